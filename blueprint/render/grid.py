"""The blueprint grid computed by us: column centres, lane bands, header rows and box sizes (points)."""
from __future__ import annotations

from dataclasses import dataclass

from .. import humanize
from ..model import Action, Service
from . import text
from .theme import FONT_SIZE, HEADING_SIZE, LINE_HEIGHT, MAX_LINES, SMALL_LINE_HEIGHT

MARGIN = 12.0
TITLE_W = 124.0             # the lane-title column
BOX_W = 132.0
COL_W = 184.0
PAD_TOP = 26.0              # room above a box for its fail badge
PAD_BOTTOM = 22.0           # the lane's bottom strip is the channel for routed flows
MIN_BAND = 62.0
MARKER_ROW = 28.0
GAP = 10.0
EDGE = 26.0                 # room left and right of the columns, so the outer gutters are full width


@dataclass(frozen=True)
class Spacing:
    """The room the blueprint gives its parts (points): the screen's, or the denser one paper uses."""

    title_w: float = TITLE_W
    box_w: float = BOX_W
    col_w: float = COL_W
    edge: float = EDGE
    pad_top: float = PAD_TOP
    pad_bottom: float = PAD_BOTTOM
    gutter_tracks: tuple[float, ...] = (-6.0, 6.0, -12.0, 12.0, -18.0, 18.0)   # flows side by side in a gutter
    step_lines: int = 3                 # a step title's lines before an ellipsis

    @property
    def text_w(self) -> float:
        return self.box_w - 16.0


SCREEN = Spacing()
# Paper: denser, so more of the blueprint fits a page with the smallest text at 6 pt. NARROW puts eight columns
# across A4 landscape; PRINT keeps boxes wider, so their text takes fewer lines and lanes are lower.
NARROW = Spacing(title_w=88.0, box_w=82.0, col_w=108.0, edge=10.0, pad_top=22.0, pad_bottom=18.0,
                 gutter_tracks=(-4.0, 4.0, -8.0, 8.0), step_lines=6)
PRINT = Spacing(title_w=96.0, box_w=112.0, col_w=142.0, edge=12.0, pad_top=22.0, pad_bottom=18.0,
                gutter_tracks=(-5.0, 5.0, -10.0, 10.0), step_lines=4)
PAPER_SPACINGS = (NARROW, PRINT, SCREEN)


@dataclass(frozen=True)
class Box:
    """A rectangle by its centre and size."""

    x: float
    y: float
    w: float
    h: float

    @property
    def left(self) -> float:
        return self.x - self.w / 2

    @property
    def right(self) -> float:
        return self.x + self.w / 2

    @property
    def top(self) -> float:
        return self.y - self.h / 2

    @property
    def bottom(self) -> float:
        return self.y + self.h / 2


@dataclass(frozen=True)
class ActionText:
    lines: list[str]
    duration: str | None

    @property
    def height(self) -> float:
        extra = SMALL_LINE_HEIGHT + 2 if self.duration else 0
        return max(34.0, len(self.lines) * LINE_HEIGHT + extra + 14)


def action_text(action: Action, width: float = SCREEN.text_w) -> ActionText:
    duration = humanize.duration(action.duration_s) if action.duration_s is not None else None
    return ActionText(text.wrap(action.text, width, FONT_SIZE, max_lines=MAX_LINES), duration)


@dataclass(frozen=True)
class Grid:
    width: float
    columns: dict[str, float]                      # step id -> centre x
    stage_row: tuple[float, float]                 # top, bottom
    step_row: tuple[float, float]
    marker_row: tuple[float, float] | None
    bands: dict[str, tuple[float, float]]          # lane id -> top, bottom
    boxes: dict[tuple[str, str], Box]              # (step, lane) -> action box
    texts: dict[tuple[str, str], ActionText]
    stage_lines: dict[str, list[str]]
    step_lines: dict[str, list[str]]
    bottom: float                                  # below the last band (and the connectors' row)
    spacing: Spacing = SCREEN

    def column_span(self, step_ids: list[str]) -> tuple[float, float]:
        half = self.spacing.col_w / 2
        return self.columns[step_ids[0]] - half, self.columns[step_ids[-1]] + half


def layout(service: Service, extra_left: float = 0.0, extra_right: float = 0.0, spacing: Spacing = SCREEN,
           extra_top: float = 0.0, extra_bottom: float = 0.0) -> Grid:
    """Every position of the blueprint, from the service alone, with `spacing`; `extra_*` add room beside the
    columns, above the first lane and below the last (a window's off-page connectors sit there)."""
    steps = service.steps
    col_w, box_w = spacing.col_w, spacing.box_w
    start = MARGIN + spacing.title_w + spacing.edge + extra_left
    columns = {step.id: start + col_w * (i + 0.5) for i, step in enumerate(steps)}
    width = MARGIN * 2 + spacing.title_w + 2 * spacing.edge + extra_left + extra_right + col_w * len(steps)

    stage_lines = {}
    for stage in service.stages:
        span = col_w * len(stage.steps) - 2 * GAP - 12
        stage_lines[stage.id] = text.wrap(stage.title, span, HEADING_SIZE, bold=True, max_lines=2)
    step_lines = {step.id: text.wrap(step.title, col_w - 2 * GAP - 12, FONT_SIZE, bold=True,
                                     max_lines=spacing.step_lines)
                  for step in steps}
    y = MARGIN
    stage_h = max(len(lines) for lines in stage_lines.values()) * 15 + 12
    stage_row = (y, y + stage_h)
    y += stage_h + 4
    step_h = max(len(lines) for lines in step_lines.values()) * LINE_HEIGHT + 12
    step_row = (y, y + step_h)
    y += step_h + 4
    marker_row = None
    if any(step.wait or step.pains for step in steps):
        marker_row = (y, y + MARKER_ROW)
        y += MARKER_ROW
    y += 6 + extra_top

    texts = {(a.step, a.lane): action_text(a, spacing.text_w) for step in steps for a in step.actions}
    bands: dict[str, tuple[float, float]] = {}
    boxes: dict[tuple[str, str], Box] = {}
    for lane in service.lanes:
        heights = [t.height for (_, lane_id), t in texts.items() if lane_id == lane.id]
        title_h = len(text.wrap(lane.title, spacing.title_w - 16, FONT_SIZE, bold=True, max_lines=4)) * LINE_HEIGHT
        inner = max(heights, default=0.0)
        band_h = max(MIN_BAND, spacing.pad_top + inner + spacing.pad_bottom, title_h + 36)
        bands[lane.id] = (y, y + band_h)
        centre = y + spacing.pad_top + (band_h - spacing.pad_top - spacing.pad_bottom) / 2
        for (step_id, lane_id), t in texts.items():
            if lane_id == lane.id:
                boxes[step_id, lane_id] = Box(columns[step_id], centre, box_w, t.height)
        y += band_h
    return Grid(width, columns, stage_row, step_row, marker_row, bands, boxes, texts,
                stage_lines, step_lines, y + extra_bottom, spacing)

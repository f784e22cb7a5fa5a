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
TEXT_W = BOX_W - 16.0
COL_W = 184.0
PAD_TOP = 26.0              # room above a box for its fail badge
PAD_BOTTOM = 22.0           # the lane's bottom strip is the channel for routed flows
MIN_BAND = 62.0
MARKER_ROW = 28.0
GAP = 10.0
EDGE = 26.0                 # room left and right of the columns, so the outer gutters are full width


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


def action_text(action: Action) -> ActionText:
    duration = humanize.duration(action.duration_s) if action.duration_s is not None else None
    return ActionText(text.wrap(action.text, TEXT_W, FONT_SIZE, max_lines=MAX_LINES), duration)


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
    bottom: float                                  # below the last band

    def column_span(self, step_ids: list[str]) -> tuple[float, float]:
        return self.columns[step_ids[0]] - COL_W / 2, self.columns[step_ids[-1]] + COL_W / 2


def layout(service: Service, extra_left: float = 0.0, extra_right: float = 0.0) -> Grid:
    """Every position of the blueprint, from the service alone; `extra_*` widen the room beside the columns
    (a window's off-page connectors sit there)."""
    steps = service.steps
    columns = {step.id: MARGIN + TITLE_W + EDGE + extra_left + COL_W * (i + 0.5) for i, step in enumerate(steps)}
    width = MARGIN * 2 + TITLE_W + 2 * EDGE + extra_left + extra_right + COL_W * len(steps)

    stage_lines = {}
    for stage in service.stages:
        span = COL_W * len(stage.steps) - 2 * GAP - 12
        stage_lines[stage.id] = text.wrap(stage.title, span, HEADING_SIZE, bold=True, max_lines=2)
    step_lines = {step.id: text.wrap(step.title, COL_W - 2 * GAP - 12, FONT_SIZE, bold=True, max_lines=3)
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
    y += 6

    texts = {(a.step, a.lane): action_text(a) for step in steps for a in step.actions}
    bands: dict[str, tuple[float, float]] = {}
    boxes: dict[tuple[str, str], Box] = {}
    for lane in service.lanes:
        heights = [t.height for (_, lane_id), t in texts.items() if lane_id == lane.id]
        title_h = len(text.wrap(lane.title, TITLE_W - 16, FONT_SIZE, bold=True, max_lines=4)) * LINE_HEIGHT
        inner = max(heights, default=0.0)
        band_h = max(MIN_BAND, PAD_TOP + inner + PAD_BOTTOM, title_h + 36)
        bands[lane.id] = (y, y + band_h)
        centre = y + PAD_TOP + (band_h - PAD_TOP - PAD_BOTTOM) / 2
        for (step_id, lane_id), t in texts.items():
            if lane_id == lane.id:
                boxes[step_id, lane_id] = Box(columns[step_id], centre, BOX_W, t.height)
        y += band_h
    return Grid(width, columns, stage_row, step_row, marker_row, bands, boxes, texts,
                stage_lines, step_lines, y)

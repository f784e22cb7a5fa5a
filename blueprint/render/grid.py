"""The blueprint grid computed by us: column centres, lane bands, header rows and box sizes (points)."""
from __future__ import annotations

from typing import NamedTuple

from .. import humanize
from ..i18n import label
from ..model import Action, Service, Step
from . import text
from .schedule import Strip, Timing, strip
from .theme import FONT_SIZE, HEADING_SIZE, LINE_HEIGHT, MAX_LINES, SMALL_LINE_HEIGHT, SMALL_SIZE

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
CRITICAL_H = 6.0            # the critical mark across the top of a heading
WHEN_GAP = 3.0              # between a conditional step's title box and its condition box


class Spacing(NamedTuple):
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

TITLE_GROWTH = 1.5          # a lane-title column widens up to this much so no lane title breaks inside a word


def fitted(spacing: Spacing, service: Service) -> Spacing:
    """`spacing` with its lane-title column wide enough for the longest word of every lane title (up to
    TITLE_GROWTH times its own width): "Housekeeping" is not cut into "Housekeepin / g"."""
    longest = max((text.longest_word(lane.title, FONT_SIZE, bold=True) for lane in service.lanes), default=0.0)
    return spacing._replace(title_w=min(max(spacing.title_w, longest + 17), spacing.title_w * TITLE_GROWTH))


class Box(NamedTuple):
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


class ActionText(NamedTuple):
    lines: list[str]
    duration: str | None

    @property
    def height(self) -> float:
        extra = SMALL_LINE_HEIGHT + 2 if self.duration else 0
        return max(34.0, len(self.lines) * LINE_HEIGHT + extra + 14)


def action_text(action: Action, width: float = SCREEN.text_w) -> ActionText:
    duration = humanize.duration(action.duration_s) if action.duration_s is not None else None
    return ActionText(text.wrap(action.text, width, FONT_SIZE, max_lines=MAX_LINES), duration)


class Grid(NamedTuple):
    width: float
    columns: dict[str, float]                      # step id -> centre x
    stage_row: tuple[float, float]                 # top, bottom
    step_row: tuple[float, float]
    marker_row: tuple[float, float] | None
    schedule_row: tuple[float, float] | None       # the schedule strip, when the service has any `after`
    schedule: Strip | None
    bands: dict[str, tuple[float, float]]          # lane id -> top, bottom
    boxes: dict[tuple[str, str], Box]              # (step, lane) -> action box
    texts: dict[tuple[str, str], ActionText]
    stage_lines: dict[str, list[str]]
    step_lines: dict[str, list[str]]
    when_lines: dict[str, list[str]]               # a conditional step's condition and chance
    bottom: float                                  # below the last band (and the connectors' row)
    spacing: Spacing = SCREEN

    def when_height(self, step_id: str) -> float:
        """Height of the step's condition box (0 for a step that always happens)."""
        lines = self.when_lines.get(step_id)
        return len(lines) * SMALL_LINE_HEIGHT + 8 if lines else 0.0

    def column_span(self, step_ids: list[str]) -> tuple[float, float]:
        half = self.spacing.col_w / 2
        return self.columns[step_ids[0]] - half, self.columns[step_ids[-1]] + half


def condition(step: Step, lang: str) -> str:
    """What a conditional step's heading says: its `when` and its chance ("If results unclear · 20.0 %")."""
    parts = [label(lang, "blueprint.when").format(when=step.when)] if step.when else []
    if step.chance is not None and step.chance < 1:
        parts.append(humanize.percent(step.chance) or "")
    return " · ".join(parts)


def layout(service: Service, times: dict[str, Timing] | None = None, spacing: Spacing = SCREEN,
           extra: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0), step_marks: bool = True) -> Grid:
    """Every position of the blueprint, from the service and (when it has any `after`) its schedule, with
    `spacing`; `extra` adds room left and right of the columns, above the first lane and below the last (a
    window's off-page connectors sit there); the row of the steps' wait and pain badges unless not
    `step_marks`."""
    extra_left, extra_right, extra_top, extra_bottom = extra
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
    when_lines = {step.id: text.wrap(condition(step, service.lang), col_w - 2 * GAP - 14, SMALL_SIZE, max_lines=3)
                  for step in steps if step.conditional}
    y = MARGIN
    stage_h = max(len(lines) for lines in stage_lines.values()) * 15 + 12
    stage_row = (y, y + stage_h)
    y += stage_h + 4
    title_h = max(len(lines) for lines in step_lines.values()) * LINE_HEIGHT + 12 + (CRITICAL_H if times else 0)
    when_h = max((len(lines) * SMALL_LINE_HEIGHT + 8 + WHEN_GAP for lines in when_lines.values()), default=0.0)
    step_row = (y, y + title_h + when_h)
    y += title_h + when_h + 4
    marker_row = None
    if step_marks and any(step.wait or step.pains for step in steps):
        marker_row = (y, y + MARKER_ROW)
        y += MARKER_ROW
    schedule_row = schedule = None
    if times:
        titles = {step.id: step.title for step in steps}
        first, last = columns[steps[0].id], columns[steps[-1].id]
        schedule = strip(service, times, titles, first - col_w / 2 + GAP, last + col_w / 2 - GAP)
        schedule_row = (y, y + schedule.height)
        y += schedule.height
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
    return Grid(width, columns, stage_row, step_row, marker_row, schedule_row, schedule, bands, boxes, texts,
                stage_lines, step_lines, when_lines, y + extra_bottom, spacing)

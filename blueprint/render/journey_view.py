"""The customer journey map as pinned DOT: stage and step columns, content rows and the emotion curves."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from .. import humanize
from ..i18n import label
from ..model import Service, Step
from . import text
from .customers import curve_lanes, customer_lanes, narrow
from .dot import Canvas, Html, Point, line_height, num, smooth, stack, text_lines
from .grid import condition
from .legend import draw_legend, legend_items, legend_size
from . import marks as mark
from .marks import Marks
from .theme import (CONDITIONAL_FILL, CONDITIONAL_LINE, CURVE_COLORS, CURVE_STYLES, EMOTION_COLOR, FONT_SIZE,
                    HEADING_SIZE, INK, JOURNEY_TINT, LINE_HEIGHT, MOMENT, MOOD_AREA, MOOD_BAND, NOTE_SIZE, PAIN,
                    SECONDARY, SMALL_LINE_HEIGHT, SMALL_SIZE, WAIT_OVER, Tint, readable)

MARGIN = 12.0
HEAD_W = 112.0
COL_W = 172.0
NARROW_W = 96.0             # a step with no customer action
LEVEL = 26.0                # emotion curve: height of one step of emotion
EMOTION_H = LEVEL * 4 + 44
MAX_CELL_LINES = 10
LANE_OFFSET = 7.0           # emotion points of several customer lanes at one step stand side by side
GRAPH = {"layout": "nop2", "outputorder": "edgesfirst", "bgcolor": "#FFFFFF"}


@dataclass(frozen=True)
class Column:
    x: float                # centre
    w: float

    @property
    def cell(self) -> float:
        return self.w - 16

    @property
    def text(self) -> float:
        return self.w - 30


def layout_columns(service: Service, col_w: float = COL_W) -> dict[str, Column]:
    """Each step's column, left to right: `col_w` wide (narrower on paper), or narrow for a step with no customer
    action."""
    columns = {}
    x = MARGIN + HEAD_W
    for step in service.steps:
        w = min(NARROW_W, col_w) if narrow(service, step) else col_w
        columns[step.id] = Column(x + w / 2, w)
        x += w
    return columns


def _bullets(notes: tuple[str, ...], width: float) -> list[list[str]]:
    """Each note wrapped; notes past the cell's line budget are dropped, the last kept one ends in an ellipsis."""
    items: list[list[str]] = []
    budget = MAX_CELL_LINES
    for note in notes:
        wrapped = text.wrap(note, width - 10, NOTE_SIZE, max_lines=min(4, budget))
        if budget <= 0:
            items[-1][-1] = items[-1][-1].rstrip(text.ELLIPSIS) + text.ELLIPSIS
            break
        items.append(wrapped)
        budget -= len(wrapped)
    return items


def _bullet_table(items: list[list[str]], ink: str) -> str:
    bullet = f'<FONT POINT-SIZE="{NOTE_SIZE:g}" COLOR="{ink}">•</FONT>'
    rows = "".join(f'<TR><TD VALIGN="TOP" HEIGHT="{line_height(NOTE_SIZE):g}">{bullet}</TD>'
                   f'<TD ALIGN="LEFT" BALIGN="LEFT">{text_lines(lines, NOTE_SIZE, ink, align="LEFT")}</TD></TR>'
                   for lines in items)
    return f'<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1">{rows}</TABLE>'


Lines = list[str] | list[list[str]]
Cell = Callable[[Canvas, Step, Column, float, float, Any], None]


@dataclass(frozen=True)
class Row:
    name: str                           # `row.NAME` and `rowtitle.NAME` are its bands
    heading: str
    cells: dict[str, Lines]             # wrapped lines per step
    draw: Cell | None                   # None: the emotion curves

    @property
    def tint(self) -> Tint:
        return JOURNEY_TINT[self.name.split(".")[0]]


def _count(lines: Lines) -> int:
    """Lines of text in a cell (bullet items count their wrapped lines)."""
    return sum(len(item) if isinstance(item, list) else 1 for item in lines)


def scores(step: Step) -> str:
    """A touchpoint's customer scores as people read them: `CSAT 2.8 · NPS −40` (empty when none)."""
    touchpoint = step.touchpoint
    if touchpoint is None:
        return ""
    parts = [f"CSAT {humanize.rating(touchpoint.csat)}"] if touchpoint.csat is not None else []
    if touchpoint.nps is not None:
        parts.append(f"NPS {humanize.score(touchpoint.nps)}")
    return " · ".join(parts)


def _touch_lines(step: Step, column: Column, lang: str) -> list[list[str]]:
    """The touchpoint cell: its name, its small lines (channel, scores), the moment-of-truth badge."""
    touchpoint = step.touchpoint
    assert touchpoint is not None
    small = [touchpoint.channel] if touchpoint.channel else []
    small += [scores(step)] if scores(step) else []
    return [text.wrap(touchpoint.name, column.text, FONT_SIZE, bold=True, max_lines=3),
            [line for part in small for line in text.wrap(part, column.text, SMALL_SIZE, max_lines=1)],
            text.wrap(label(lang, "journey.moment"), column.text - 8, SMALL_SIZE, bold=True, max_lines=2)
            if touchpoint.moment else []]


def _action_lines(service: Service, columns: dict[str, Column], lane: str) -> dict[str, Lines]:
    """The text of each step's action in customer lane `lane`."""
    cells: dict[str, Lines] = {}
    for step in service.steps:
        action = step.action(lane)
        if action is not None:
            cells[step.id] = text.wrap(action.text, columns[step.id].text, FONT_SIZE, max_lines=MAX_CELL_LINES)
    return cells


def _thoughts(service: Service, step: Step, column: Column) -> list[str]:
    """The step's thoughts in quotes; of a mapping, each after its lane's title."""
    quoted = [f"“{step.thinks}”"] if step.thinks else \
        [f"{service.lane(entry.lane).title}: “{entry.text}”" for entry in step.thoughts]
    lines = [line for part in quoted for line in text.wrap(part, column.text, FONT_SIZE, max_lines=MAX_CELL_LINES)]
    return lines[:MAX_CELL_LINES]


def _wait_lines(step: Step, column: Column, lang: str) -> list[str]:
    wait = step.wait
    assert wait is not None
    lines = text.wrap(humanize.duration(wait.expected_s), column.text, FONT_SIZE, bold=True, max_lines=1)
    if wait.tolerance_s is not None:
        tolerance = label(lang, "journey.tolerance").format(tolerance=humanize.duration(wait.tolerance_s))
        lines += text.wrap(tolerance, column.text, SMALL_SIZE, max_lines=2)
    return lines


def _rows(service: Service, columns: dict[str, Column]) -> list[Row]:
    """The content rows in order, each only when some step has something for it."""
    steps, lang = service.steps, service.lang
    customers = customer_lanes(service)
    rows = [Row("touchpoint", label(lang, "journey.touchpoint"),
                {s.id: _touch_lines(s, columns[s.id], lang) for s in steps if s.touchpoint}, _touchpoint)]
    if len(customers) == 1:
        rows.append(Row("action", label(lang, "journey.action"),
                        _action_lines(service, columns, customers[0].id), _plain("action")))
    else:
        rows += [Row(f"action.{lane.id}", lane.title, _action_lines(service, columns, lane.id),
                     _plain("action", lane.id)) for lane in customers]
    rows.append(Row("wait", label(lang, "journey.wait"),
                    {s.id: _wait_lines(s, columns[s.id], lang) for s in steps if s.wait}, _wait))
    rows.append(Row("thinks", label(lang, "journey.thinks"),
                    {s.id: _thoughts(service, s, columns[s.id]) for s in steps if s.thinks or s.thoughts}, _thinks))
    rows.append(Row("emotion", label(lang, "journey.emotion"),
                    {s.id: [] for s in steps if s.emotion is not None}, None))
    rows.append(Row("pain", label(lang, "journey.pain"),
                    {s.id: _bullets(tuple(n.text for n in s.pains), columns[s.id].text) for s in steps if s.pains},
                    _tinted("pain")))
    rows.append(Row("opportunity", label(lang, "journey.opportunity"),
                    {s.id: _bullets(tuple(n.text for n in s.opportunities), columns[s.id].text)
                     for s in steps if s.opportunities}, _tinted("opportunity")))
    return [row for row in rows if row.cells]


def _touchpoint(canvas: Canvas, step: Step, column: Column, y: float, h: float, parts: list[list[str]]) -> None:
    name, small, moment = parts
    tint = JOURNEY_TINT["touchpoint"]
    html = text_lines(name, FONT_SIZE, tint.ink, bold=True)
    if small:
        html = stack(html, text_lines(small, SMALL_SIZE, SECONDARY))
    box_h = h - 10
    badge_h = len(moment) * SMALL_LINE_HEIGHT + 6 if moment else 0.0
    if moment:   # room for the badge under the text
        html = stack(html, f'<TABLE BORDER="0" CELLPADDING="0"><TR><TD HEIGHT="{badge_h + 4:g}"> </TD></TR></TABLE>')
    canvas.node(column.x, y, column.cell, box_h, id=f"touchpoint.{step.id}", shape="box", style="rounded,filled",
                fillcolor=tint.card, color=MOMENT if moment else tint.line, penwidth=2.0 if moment else 1.0,
                label=Html(html))
    if moment:
        canvas.node(column.x, y + box_h / 2 - badge_h / 2 - 5, column.cell - 12, badge_h, id=f"moment.{step.id}",
                    shape="box", style="rounded,filled", fillcolor=MOMENT, color=MOMENT,
                    label=Html(text_lines(moment, SMALL_SIZE, "#FFFFFF", bold=True)))


def _plain(kind: str, lane: str | None = None) -> Cell:
    suffix = f".{lane}" if lane else ""

    tint = JOURNEY_TINT[kind]

    def draw(canvas: Canvas, step: Step, column: Column, y: float, h: float, lines: list[str]) -> None:
        canvas.node(column.x, y, column.cell, h - 10, id=f"{kind}.{step.id}{suffix}", shape="box",
                    style="rounded,filled", fillcolor=tint.card, color=tint.line, penwidth=1.0,
                    label=Html(text_lines(lines, FONT_SIZE, tint.ink)))
    return draw


def _wait(canvas: Canvas, step: Step, column: Column, y: float, h: float, lines: list[str]) -> None:
    assert step.wait is not None
    tint, over = JOURNEY_TINT["wait"], bool(step.wait.excess_s)
    color = WAIT_OVER if over else tint.card
    ink = readable(color)
    html = text_lines(lines[:1], FONT_SIZE, ink, bold=True)
    if lines[1:]:
        html = stack(html, text_lines(lines[1:], SMALL_SIZE, ink))
    canvas.node(column.x, y, column.cell, h - 10, id=f"wait.{step.id}", shape="box", style="rounded,filled",
                fillcolor=color, color=WAIT_OVER if over else tint.line, label=Html(html),
                **{"class": "wait over" if over else "wait"})


def _thinks(canvas: Canvas, step: Step, column: Column, y: float, h: float, lines: list[str]) -> None:
    tint = JOURNEY_TINT["thinks"]
    canvas.node(column.x, y, column.cell, h - 10, id=f"thinks.{step.id}", shape="note", style="filled",
                fillcolor=tint.card, color=tint.line, label=Html(text_lines(lines, FONT_SIZE, tint.ink, italic=True)))


def _tinted(kind: str) -> Cell:
    tint = JOURNEY_TINT[kind]

    def draw(canvas: Canvas, step: Step, column: Column, y: float, h: float, items: list[list[str]]) -> None:
        canvas.node(column.x, y, column.cell, h - 10, id=f"{kind}.{step.id}", shape="box", style="rounded,filled",
                    fillcolor=tint.card, color=tint.line, penwidth=0.8, label=Html(_bullet_table(items, tint.ink)))
    return draw


def _height(row: Row) -> float:
    if row.draw is None:
        return EMOTION_H
    return max(40.0, max(_count(v) for v in row.cells.values()) * LINE_HEIGHT + 24)


def journey_dot(service: Service, col_w: float = COL_W, marks: Marks | None = None) -> str:
    """The journey map of `service` as DOT text that plain `dot` renders unchanged; `col_w` narrower for paper;
    `marks` from a comparison."""
    steps = service.steps
    lang = service.lang
    columns = layout_columns(service, col_w)
    last = columns[steps[-1].id]
    width = last.x + last.w / 2 + MARGIN
    stage_lines = {stage.id: text.wrap(stage.title, sum(columns[s.id].w for s in stage.steps) - 30, HEADING_SIZE,
                                       bold=True, max_lines=2) for stage in service.stages}
    step_lines = {s.id: text.wrap(s.title, columns[s.id].cell - 12, FONT_SIZE, bold=True,
                                  max_lines=3 if col_w >= COL_W else 5) for s in steps}
    when_lines = {s.id: text.wrap(condition(s, lang), columns[s.id].cell - 12, SMALL_SIZE, max_lines=3)
                  for s in steps if s.conditional}
    stage_h = max(len(v) for v in stage_lines.values()) * 15 + 14
    step_h = max(len(step_lines[s.id]) * LINE_HEIGHT + len(when_lines.get(s.id, ())) * SMALL_LINE_HEIGHT
                 for s in steps) + 16
    rows = _rows(service, columns)
    heights = [_height(row) for row in rows]
    body_top = MARGIN + stage_h + step_h
    body_bottom = body_top + sum(heights)
    keys = legend_items(service, "journey", marks)
    legend_w, legend_h = legend_size(keys, lang, max(width, 560.0) - 2 * MARGIN)
    removed = mark.removed_lines(marks, lang)
    width = max(width, legend_w + 2 * MARGIN)
    legend_bottom = body_bottom + (legend_h + 16 if keys else 0)
    height = legend_bottom + mark.removed_height(removed) + MARGIN
    tops = list(accumulate(heights[:-1], initial=body_top))
    emotion = next((top for row, top in zip(rows, tops) if row.draw is None), None)
    # the emotion row's tints and shaded area lie under every band: Graphviz draws _background first
    canvas = Canvas(width, height, GRAPH if emotion is None else
                    {**GRAPH, "_background": _mood(service, columns, emotion, width, height)})
    canvas.anchor(0, 0)
    canvas.anchor(width, height)

    y = MARGIN
    _heading_row(canvas, "stage", label(lang, "journey.stage"), y, y + stage_h, JOURNEY_TINT["stage"])
    for stage in service.stages:
        first, final = columns[stage.steps[0].id], columns[stage.steps[-1].id]
        left, right = first.x - first.w / 2, final.x + final.w / 2
        canvas.node((left + right) / 2, y + stage_h / 2, right - left - 8, stage_h - 8, id=f"stage.{stage.id}",
                    shape="box", style="rounded,filled", fillcolor=JOURNEY_TINT["stage"].card,
                    color=JOURNEY_TINT["stage"].line,
                    label=Html(text_lines(stage_lines[stage.id], HEADING_SIZE, JOURNEY_TINT["stage"].ink, bold=True)))
    y += stage_h
    tint = JOURNEY_TINT["step"]
    _heading_row(canvas, "step", label(lang, "journey.step"), y, y + step_h, tint)
    if marks:
        _halos(canvas, service, marks, columns, y, step_h, rows, heights)
    for step in steps:
        column = columns[step.id]
        html = text_lines(step_lines[step.id], FONT_SIZE, tint.ink, bold=True)
        if step.conditional:        # dashed, with its condition and chance, as on the blueprint
            html = stack(html, text_lines(when_lines[step.id], SMALL_SIZE, tint.ink))
        canvas.node(column.x, y + step_h / 2, column.cell, step_h - 8, id=f"step.{step.id}", shape="box",
                    style="rounded,filled" + (",dashed" if step.conditional else ""),
                    fillcolor=CONDITIONAL_FILL if step.conditional else tint.card,
                    color=CONDITIONAL_LINE if step.conditional else tint.line, label=Html(html),
                    **{"class": "step narrow" if narrow(service, step) else "step"})
    y += step_h
    for row, h in zip(rows, heights):
        _heading_row(canvas, row.name, row.heading, y, y + h, row.tint, filled=row.draw is not None)
        if row.draw is None:
            _emotion(canvas, service, columns, y, h)
        else:
            for step in steps:
                if row.cells.get(step.id):
                    row.draw(canvas, step, columns[step.id], y + h / 2, h, row.cells[step.id])
        y += h
    for stage in service.stages[1:]:
        first = columns[stage.steps[0].id]
        x = first.x - first.w / 2
        canvas.rule((x, body_top - step_h), (x, body_bottom), style="dashed", color="#B0BEC5", penwidth=0.8)
    for step in steps:
        if marks and step.id in marks.added:    # after the row bands, so that it is drawn over them
            column = columns[step.id]
            mark.column(canvas, step.id, column.x, body_top - step_h + 1, body_bottom - 1, column.w - 4)
    draw_legend(canvas, keys, lang, MARGIN + 6, body_bottom + 16, width - 2 * MARGIN)
    mark.removed_box(canvas, removed, MARGIN, legend_bottom + 12)
    return canvas.source("journey")


def _halos(canvas: Canvas, service: Service, marks: Marks, columns: dict[str, Column], top: float, step_h: float,
           rows: list[Row], heights: list[float]) -> None:
    """A comparison's marks under the cells they frame: changed steps and changed customer actions."""
    customers = customer_lanes(service)
    names = {lane.id: "action" if len(customers) == 1 else f"action.{lane.id}" for lane in customers}
    placed: dict[str, tuple[Row, float, float]] = {}     # row name -> the row, its top, its height
    y = top + step_h
    for row, h in zip(rows, heights):
        placed[row.name] = (row, y, h)
        y += h
    for step in service.steps:
        column = columns[step.id]
        if step.id in marks.changed_steps:
            mark.halo(canvas, f"changed.{step.id}", column.x, top + step_h / 2, column.cell, step_h - 8)
        for lane, name in names.items():
            if (step.id, lane) not in marks.changed or name not in placed:
                continue
            row, row_top, h = placed[name]
            if step.id in row.cells:
                mark.halo(canvas, f"changed.{step.id}.{lane}", column.x, row_top + h / 2, column.cell, h - 10)


def _heading_row(canvas: Canvas, name: str, heading: str, top: float, bottom: float, tint: Tint,
                 filled: bool = True) -> None:
    """A row's band across the map (unfilled where _background paints it) and its title cell."""
    fill = {"style": "filled", "fillcolor": tint.band} if filled else {"bgcolor": ""}   # "": not the graph's
    canvas.band(f"row.{name}", 0, top, canvas.width, bottom, color="#FFFFFF", penwidth=1.2, **fill)
    lines = text.wrap(heading, HEAD_W - 16, FONT_SIZE, bold=True, max_lines=3)
    canvas.band(f"rowtitle.{name}", 0, top, MARGIN + HEAD_W, bottom, style="filled", fillcolor=tint.head,
                color="#FFFFFF", penwidth=1.2, label=Html(text_lines(lines, FONT_SIZE, INK, bold=True)),
                lp=((MARGIN + HEAD_W) / 2, (top + bottom) / 2))


def _emotion(canvas: Canvas, service: Service, columns: dict[str, Column], top: float, h: float) -> None:
    """One curve per customer lane that has emotions, broken at every step where that lane has none."""
    zero = top + h / 2
    canvas.rule((MARGIN + HEAD_W, zero), (canvas.width - MARGIN, zero), id="emotion.zero", style="dashed",
                color="#90A4AE", penwidth=0.8)
    for level in (2, 1, 0, -1, -2):
        canvas.node(MARGIN + HEAD_W + 10, zero - level * LEVEL, 16, 12, shape="plaintext",
                    label=Html(text_lines([humanize.score(level)], SMALL_SIZE, SECONDARY)))
    scores = curve_lanes(service)
    piece = 0
    for index, (lane, (points, pieces)) in enumerate(_curves(service, columns, zero).items()):
        style = {"color": CURVE_COLORS[index % len(CURVE_COLORS)], "style": CURVE_STYLES[index % len(CURVE_STYLES)]}
        for bezier in pieces:
            piece += 1
            canvas.curve(bezier, id=f"emotion.curve.{piece}", penwidth=2.2, **{**style, "class": f"curve lane-{lane}"})
        for step in service.steps:
            if step.id in points:
                ident = f"emotion.{step.id}.{lane}" if step.emotions else f"emotion.{step.id}"
                _point(canvas, step, *points[step.id], scores[lane][step.id], ident, lane,
                       style["color"] if len(scores) > 1 else "#FFFFFF")


def _curves(service: Service, columns: dict[str, Column], zero: float) -> dict[str, tuple[dict[str, Point],
                                                                                           list[list[Point]]]]:
    """Each customer lane's emotion points (x, y) by step, and its curve as Bézier pieces (4 points each), broken
    at every step where that lane has no emotion."""
    lanes = curve_lanes(service)
    curves = {}
    for index, (lane, scores) in enumerate(lanes.items()):
        offset = (index - (len(lanes) - 1) / 2) * LANE_OFFSET
        points = {step.id: (columns[step.id].x + offset, zero - scores[step.id] * LEVEL)
                  for step in service.steps if step.id in scores}
        runs: list[list[Point]] = [[]]
        for step in service.steps:
            if step.id in points:
                runs[-1].append(points[step.id])
            else:
                runs.append([])
        curves[lane] = (points, [spline[3 * k:3 * k + 4] for run in runs if len(run) > 1
                                 for spline in [smooth(run)] for k in range(len(run) - 1)])
    return curves


def _point(canvas: Canvas, step: Step, x: float, y: float, score: int, ident: str, lane: str, ring: str) -> None:
    """A point of a lane's curve: filled by the emotion, ringed in the lane's colour when there are several."""
    color = EMOTION_COLOR[score]
    if step.pains:
        canvas.node(x, y, 22, 22, id=ident, shape="doublecircle", style="filled", fillcolor=color, color=PAIN,
                    penwidth=1.8, label=Html(text_lines(["!"], FONT_SIZE, readable(color), bold=True)),
                    **{"class": f"emotion pain lane-{lane}"})
    else:
        canvas.node(x, y, 14, 14, id=ident, shape="circle", style="filled", fillcolor=color, color=ring,
                    penwidth=2.0 if ring != "#FFFFFF" else 1.5, label="", **{"class": f"emotion lane-{lane}"})


def _split(bezier: list[Point], zero: float) -> list[list[Point]]:
    """A curve piece cut where it crosses the zero line (once at most: the curve never overshoots its points)."""
    start, end = bezier[0][1] - zero, bezier[-1][1] - zero
    if start * end >= 0:
        return [bezier]
    low, high = 0.0, 1.0
    for _ in range(30):         # bisection to well under a hundredth of a point
        t = (low + high) / 2
        low, high = (t, high) if (_halves(bezier, t)[0][-1][1] - zero) * start > 0 else (low, t)
    left, right = _halves(bezier, (low + high) / 2)
    crossing = (left[-1][0], zero)
    return [left[:-1] + [crossing], [crossing] + right[1:]]


def _halves(bezier: list[Point], t: float) -> tuple[list[Point], list[Point]]:
    """A cubic Bézier cut at parameter `t` (de Casteljau)."""
    def lerp(a: Point, b: Point) -> Point:
        return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
    a, b, c, d = bezier
    ab, bc, cd = lerp(a, b), lerp(b, c), lerp(c, d)
    abc, bcd = lerp(ab, bc), lerp(bc, cd)
    middle = lerp(abc, bcd)
    return [a, ab, abc, middle], [middle, bcd, cd, d]


def _mood(service: Service, columns: dict[str, Column], top: float, width: float, height: float) -> str:
    """Graphviz _background drawing ops (xdot) for the emotion row whose top is `top`: its band tinted green above
    the zero line and rose below, and the area between each curve and the zero line shaded in the same hues."""
    zero = top + EMOTION_H / 2
    left = MARGIN + HEAD_W

    def fill(color: str, op: str, points: list[Point]) -> str:
        return f"C {len(color)} -{color} {op} {len(points)} " + \
            " ".join(f"{num(x)} {num(height - y)}" for x, y in points)

    ops = [fill(MOOD_BAND[1], "P", [(left, top), (width, top), (width, zero), (left, zero)]),
           fill(MOOD_BAND[-1], "P", [(left, zero), (width, zero), (width, top + EMOTION_H), (left, top + EMOTION_H)])]
    for _, pieces in _curves(service, columns, zero).values():
        for sign, area in _areas([part for bezier in pieces for part in _split(bezier, zero)], zero):
            base_a, base_b = (area[0][0], zero), (area[-1][0], zero)
            outline = [base_a, base_a, area[0], area[0], *area[1:], area[-1], base_b, base_b, base_b, base_a,
                       base_a]     # the straight sides as Bézier pieces
            ops.append(fill(MOOD_AREA[sign], "b", outline))
    return " ".join(ops)


def _areas(pieces: list[list[Point]], zero: float) -> list[tuple[int, list[Point]]]:
    """Consecutive curve pieces on one side of the zero line joined into one path (3n+1 points) each, with the side:
    1 above, -1 below; pieces lying on the line are left out."""
    areas: list[tuple[int, list[Point]]] = []
    for piece in pieces:
        (_, ya), (_, yb) = piece[0], piece[-1]
        if abs(ya - zero) < 0.01 and abs(yb - zero) < 0.01:
            continue
        sign = 1 if min(ya, yb) < zero else -1
        if areas and areas[-1][0] == sign and areas[-1][1][-1] == piece[0]:
            areas[-1][1].extend(piece[1:])
        else:
            areas.append((sign, list(piece)))
    return areas

"""The customer journey map as pinned DOT: stage and step columns, content rows and the emotion curve."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..i18n import label
from ..model import LaneKind, Service, Step
from . import text
from .dot import Canvas, Html, line_height, smooth, stack, text_lines
from .legend import draw_legend, legend_items, legend_size
from . import marks as mark
from .marks import Marks
from .theme import (EMOTION_COLOR, FONT_SIZE, HEADING_SIZE, INK, LINE_HEIGHT, MUTED, NOTE_SIZE, OPPORTUNITY, PAIN,
                    SMALL_SIZE, STAGE_FILL, STEP_FILL)

MARGIN = 12.0
HEAD_W = 112.0
COL_W = 172.0
CELL_W = COL_W - 16
TEXT_W = CELL_W - 14
LEVEL = 26.0                # emotion curve: height of one step of emotion
EMOTION_H = LEVEL * 4 + 44
MAX_CELL_LINES = 10
GRAPH = {"layout": "nop2", "outputorder": "edgesfirst", "bgcolor": "#FFFFFF"}
ROW_FILL = ("#FAFAFA", "#FFFFFF")


def _bullets(notes: tuple[str, ...]) -> list[list[str]]:
    """Each note wrapped; notes past the cell's line budget are dropped, the last kept one ends in an ellipsis."""
    items: list[list[str]] = []
    budget = MAX_CELL_LINES
    for note in notes:
        wrapped = text.wrap(note, TEXT_W - 10, NOTE_SIZE, max_lines=min(4, budget))
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


def _customer_text(service: Service, step: Step) -> list[str]:
    customer = {lane.id for lane in service.lanes if lane.kind is LaneKind.CUSTOMER}
    lines: list[str] = []
    for action in step.actions:
        if action.lane in customer:
            lines += text.wrap(action.text, TEXT_W, FONT_SIZE, max_lines=MAX_CELL_LINES)
    return lines[:MAX_CELL_LINES]


Lines = list[str] | list[list[str]]
Cell = Callable[[Canvas, Step, float, float, float, Any], None]


def _count(lines: Lines) -> int:
    """Lines of text in a cell (bullet items count their wrapped lines)."""
    return sum(len(item) if isinstance(item, list) else 1 for item in lines)


def _rows(service: Service) -> list[tuple[str, dict[str, Lines], Cell | None]]:
    """The content rows in order: heading key, wrapped lines per step, how to draw a cell."""
    steps = service.steps
    rows: list[tuple[str, dict[str, Lines], Cell | None]] = []
    touch: dict[str, Lines] = {s.id: text.wrap(s.touchpoint.name, TEXT_W, FONT_SIZE, bold=True, max_lines=3)
             + (text.wrap(s.touchpoint.channel, TEXT_W, SMALL_SIZE, max_lines=1) if s.touchpoint.channel else [])
             for s in steps if s.touchpoint}
    rows.append(("journey.touchpoint", touch, _touchpoint))
    rows.append(("journey.action", {s.id: _customer_text(service, s) for s in steps}, _plain("action")))
    thinks: dict[str, Lines] = {s.id: text.wrap(f"“{s.thinks}”", TEXT_W, FONT_SIZE, max_lines=MAX_CELL_LINES)
              for s in steps if s.thinks}
    rows.append(("journey.thinks", thinks, _thinks))
    rows.append(("journey.emotion", {}, None))
    rows.append(("journey.pain", {s.id: _bullets(tuple(n.text for n in s.pains)) for s in steps if s.pains},
                 _tinted("pain", "#FCE4EC", PAIN)))
    rows.append(("journey.opportunity",
                 {s.id: _bullets(tuple(n.text for n in s.opportunities)) for s in steps if s.opportunities},
                 _tinted("opportunity", "#E8F5E9", OPPORTUNITY)))
    return [row for row in rows if row[2] is None or any(row[1].values())]


def _touchpoint(canvas: Canvas, step: Step, x: float, y: float, h: float, lines: list[str]) -> None:
    touchpoint = step.touchpoint
    assert touchpoint is not None
    name_lines = lines[:-1] if touchpoint.channel else lines
    html = text_lines(name_lines, FONT_SIZE, INK, bold=True)
    if touchpoint.channel:
        html = stack(html, text_lines(lines[-1:], SMALL_SIZE, MUTED))
    canvas.node(x, y, CELL_W, h - 10, id=f"touchpoint.{step.id}", shape="box", style="rounded,filled",
                fillcolor="#E3F0FB", color="#90CAF9", label=Html(html))


def _plain(kind: str) -> Cell:
    def draw(canvas: Canvas, step: Step, x: float, y: float, h: float, lines: list[str]) -> None:
        canvas.node(x, y, CELL_W, h - 10, id=f"{kind}.{step.id}", shape="box", style="rounded,filled",
                    fillcolor="#FFF4D6", color="#F3D37A", label=Html(text_lines(lines, FONT_SIZE, INK)))
    return draw


def _thinks(canvas: Canvas, step: Step, x: float, y: float, h: float, lines: list[str]) -> None:
    canvas.node(x, y, CELL_W, h - 10, id=f"thinks.{step.id}", shape="note", style="filled",
                fillcolor="#FFFDE7", color="#E0D68A", label=Html(text_lines(lines, FONT_SIZE, INK, italic=True)))


def _tinted(kind: str, fill: str, ink: str) -> Cell:
    def draw(canvas: Canvas, step: Step, x: float, y: float, h: float, items: list[list[str]]) -> None:
        canvas.node(x, y, CELL_W, h - 10, id=f"{kind}.{step.id}", shape="box", style="rounded,filled",
                    fillcolor=fill, color=ink, penwidth=0.8, label=Html(_bullet_table(items, ink)))
    return draw


def journey_dot(service: Service, marks: Marks | None = None) -> str:
    """The journey map of `service` as DOT text that plain `dot` renders unchanged; `marks` from a comparison."""
    steps = service.steps
    lang = service.lang
    columns = {step.id: MARGIN + HEAD_W + COL_W * (i + 0.5) for i, step in enumerate(steps)}
    width = MARGIN * 2 + HEAD_W + COL_W * len(steps)
    stage_lines = {stage.id: text.wrap(stage.title, COL_W * len(stage.steps) - 30, HEADING_SIZE, bold=True,
                                       max_lines=2) for stage in service.stages}
    step_lines = {s.id: text.wrap(s.title, CELL_W - 12, FONT_SIZE, bold=True, max_lines=3) for s in steps}
    stage_h = max(len(v) for v in stage_lines.values()) * 15 + 14
    step_h = max(len(v) for v in step_lines.values()) * LINE_HEIGHT + 16
    rows = _rows(service)
    heights = [EMOTION_H if cell is None else max(40.0, max(_count(v) for v in cells.values()) * LINE_HEIGHT + 24)
               for _, cells, cell in rows]
    body_top = MARGIN + stage_h + step_h
    body_bottom = body_top + sum(heights)
    keys = legend_items(service, "journey", marks)
    legend_w, legend_h = legend_size(keys, lang, max(width, 560.0) - 2 * MARGIN)
    removed = mark.removed_lines(marks, lang)
    width = max(width, legend_w + 2 * MARGIN)
    legend_bottom = body_bottom + (legend_h + 16 if keys else 0)
    height = legend_bottom + mark.removed_height(removed) + MARGIN
    canvas = Canvas(width, height, GRAPH)
    canvas.anchor(0, 0)
    canvas.anchor(width, height)

    y = MARGIN
    _heading_row(canvas, "journey.stage", lang, 0, y, y + stage_h, "#CFD8DC")
    for stage in service.stages:
        left = columns[stage.steps[0].id] - COL_W / 2
        right = columns[stage.steps[-1].id] + COL_W / 2
        canvas.node((left + right) / 2, y + stage_h / 2, right - left - 8, stage_h - 8, id=f"stage.{stage.id}",
                    shape="box", style="rounded,filled", fillcolor=STAGE_FILL, color=STAGE_FILL,
                    label=Html(text_lines(stage_lines[stage.id], HEADING_SIZE, "#FFFFFF", bold=True)))
    y += stage_h
    _heading_row(canvas, "journey.step", lang, 1, y, y + step_h, "#ECEFF1")
    if marks:
        _halos(canvas, service, marks, columns, y, step_h, rows, heights)
    for step in steps:
        canvas.node(columns[step.id], y + step_h / 2, CELL_W, step_h - 8, id=f"step.{step.id}", shape="box",
                    style="rounded,filled", fillcolor=STEP_FILL, color="#CFD8DC",
                    label=Html(text_lines(step_lines[step.id], FONT_SIZE, INK, bold=True)))
    y += step_h
    for index, ((key, cells, draw), h) in enumerate(zip(rows, heights)):
        _heading_row(canvas, key, lang, index, y, y + h, ROW_FILL[index % 2])
        if draw is None:
            _emotion(canvas, service, columns, y, h)
        else:
            for step in steps:
                if cells.get(step.id):
                    draw(canvas, step, columns[step.id], y + h / 2, h, cells[step.id])
        y += h
    for stage in service.stages[1:]:
        x = columns[stage.steps[0].id] - COL_W / 2
        canvas.rule((x, body_top - step_h), (x, body_bottom), style="dashed", color="#B0BEC5", penwidth=0.8)
    for step in steps:
        if marks and step.id in marks.added:    # after the row bands, so that it is drawn over them
            mark.column(canvas, step.id, columns[step.id], body_top - step_h + 1, body_bottom - 1, COL_W - 4)
    draw_legend(canvas, keys, lang, MARGIN + 6, body_bottom + 16, width - 2 * MARGIN)
    mark.removed_box(canvas, removed, MARGIN, legend_bottom + 12)
    return canvas.source("journey")


def _halos(canvas: Canvas, service: Service, marks: Marks, columns: dict[str, float], top: float, step_h: float,
           rows: list[tuple[str, dict[str, Lines], Cell | None]], heights: list[float]) -> None:
    """A comparison's marks under the cells they frame: changed steps and changed customer actions."""
    customer = [lane.id for lane in service.lanes if lane.kind is LaneKind.CUSTOMER]
    keys = [key for key, _, _ in rows]
    action_top = top + step_h + sum(heights[:keys.index("journey.action")]) if "journey.action" in keys else None
    action_h = heights[keys.index("journey.action")] if action_top is not None else 0.0
    for step in service.steps:
        x = columns[step.id]
        if step.id in marks.changed_steps:
            mark.halo(canvas, f"changed.{step.id}", x, top + step_h / 2, CELL_W, step_h - 8)
        for lane in customer:
            if (step.id, lane) in marks.changed and action_top is not None:
                mark.halo(canvas, f"changed.{step.id}.{lane}", x, action_top + action_h / 2, CELL_W, action_h - 10)


def _heading_row(canvas: Canvas, key: str, lang: str, index: int, top: float, bottom: float, fill: str) -> None:
    name = key.split(".", 1)[1]
    canvas.band(f"row.{name}", 0, top, canvas.width, bottom, style="filled", fillcolor=fill, color="#E0E0E0",
                penwidth=0.6)
    lines = text.wrap(label(lang, key), HEAD_W - 16, FONT_SIZE, bold=True, max_lines=3)
    canvas.band(f"rowtitle.{name}", 0, top, MARGIN + HEAD_W, bottom, style="filled", fillcolor="#ECEFF1",
                color="#E0E0E0", penwidth=0.6, label=Html(text_lines(lines, FONT_SIZE, INK, bold=True)),
                lp=((MARGIN + HEAD_W) / 2, (top + bottom) / 2))


def _emotion(canvas: Canvas, service: Service, columns: dict[str, float], top: float, h: float) -> None:
    zero = top + h / 2
    canvas.rule((MARGIN + HEAD_W, zero), (canvas.width - MARGIN, zero), id="emotion.zero", style="dashed",
                color="#90A4AE", penwidth=0.8)
    for score in (2, 1, 0, -1, -2):
        sign = "+" if score > 0 else ("−" if score < 0 else "")
        canvas.node(MARGIN + HEAD_W + 10, zero - score * LEVEL, 16, 12, shape="plaintext",
                    label=Html(text_lines([f"{sign}{abs(score)}"], SMALL_SIZE, MUTED)))
    points = [(columns[s.id], zero - s.emotion * LEVEL, s) for s in service.steps if s.emotion is not None]
    spline = smooth((x, y) for x, y, _ in points)
    for piece in range(len(points) - 1):
        canvas.curve(spline[3 * piece:3 * piece + 4], id=f"emotion.curve.{piece + 1}", color="#546E7A", penwidth=2.2)
    for x, y, step in points:
        assert step.emotion is not None
        color = EMOTION_COLOR[step.emotion]
        if step.pains:
            canvas.node(x, y, 22, 22, id=f"emotion.{step.id}", shape="doublecircle", style="filled",
                        fillcolor=color, color=PAIN, penwidth=1.8, **{"class": "emotion pain"},
                        label=Html(text_lines(["!"], FONT_SIZE, "#FFFFFF", bold=True)))
        else:
            canvas.node(x, y, 14, 14, id=f"emotion.{step.id}", shape="circle", style="filled", fillcolor=color,
                        color="#FFFFFF", penwidth=1.5, label="", **{"class": "emotion"})


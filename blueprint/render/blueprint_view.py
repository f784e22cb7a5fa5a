"""The service blueprint as pinned DOT: lane bands, the three lines, headings, actions, markers, flows."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from .. import humanize
from ..i18n import label
from ..model import FlowKind, FlowOrigin, LaneKind, Service
from . import text
from .dot import Canvas, Html, attributes, line_height, stack, text_lines
from .grid import CRITICAL_H, GAP, MARGIN, SCREEN, WHEN_GAP, Grid, Spacing, fitted, layout
from .route import Route, routes
from .window import Connector
from .legend import draw_legend, legend_items, legend_size, marker
from . import marks as mark
from .marks import Marks
from .schedule import AXIS_H, TRACK_H, Strip, Timing
from .theme import (CONDITIONAL_FILL, CONDITIONAL_LINE, CRITICAL, FAIL, FLOW_COLOR, FLOW_STYLE, FONT_SIZE, HEADING_SIZE,
                    INK, LANE_FILL, LANE_HEAD, LANE_INK, LINE_COLOR, LINE_STYLE, MUTED, PAIN, SCHEDULE_BAR,
                    SCHEDULE_FILL, SCHEDULE_HEAD, SCHEDULE_INK, SMALL_LINE_HEIGHT, SMALL_SIZE, STAGE_FILL, STEP_FILL,
                    WAIT, WAIT_OVER)

ARROW = 7.0
CONNECTOR_W = 72.0          # room beside the lane titles for a window's off-page connectors (instead of EDGE)
CONNECTOR_ROW = 40.0        # height of an up or down connector's tag (three lines) and its gap
BAR_GAP = 1.5
GRAPH = {"layout": "nop2", "outputorder": "edgesfirst", "bgcolor": "#FFFFFF"}


def blueprint_dot(service: Service, times: dict[str, Timing] | None = None, connectors: Sequence[Connector] = (),
                  legend: bool = True, spacing: Spacing = SCREEN, marks: Marks | None = None,
                  step_marks: bool = True) -> str:
    """The blueprint of `service` as DOT text that plain `dot` renders unchanged; with the schedule `times`
    (when the service has any `after`), the critical steps marked and the schedule strip drawn. Laid out with
    `spacing`; `connectors` are off-page connectors (a window's flows that leave it), drawn at its edges; the
    legend below unless not `legend`; `marks` from a comparison (the removed steps' box with the legend); the
    steps' wait and pain badges unless not `step_marks`."""
    spacing = fitted(spacing, service)
    sides = {connector.side for connector in connectors}
    extra = CONNECTOR_W - spacing.edge
    above, below = connector_rows(connectors, spacing.col_w)
    grid = layout(service, times, spacing,
                  (extra if "left" in sides else 0.0, extra if "right" in sides else 0.0, above, below), step_marks)
    keys = legend_items(service, "blueprint", marks) if legend else ()
    legend_w, legend_h = legend_size(keys, service.lang, max(grid.width, 560.0) - 2 * MARGIN)
    removed = mark.removed_lines(marks, service.lang) if legend else []
    width = max(grid.width, legend_w + 2 * MARGIN)
    legend_bottom = grid.bottom + (legend_h + 16 if keys else 0)
    height = legend_bottom + mark.removed_height(removed) + MARGIN
    canvas = Canvas(width, height, GRAPH)
    canvas.anchor(0, 0)
    canvas.anchor(width, height)
    _lanes(canvas, service, grid)
    if marks:
        _marks(canvas, service, grid, marks)
    _headings(canvas, service, grid, times)
    names = _actions(canvas, service, grid)
    _flows(canvas, service, grid, names)
    _connectors(canvas, grid, names, connectors)
    draw_legend(canvas, keys, service.lang, MARGIN + 6, grid.bottom + 16, width - 2 * MARGIN)
    mark.removed_box(canvas, removed, MARGIN, legend_bottom + 12)
    return canvas.source("blueprint")


def _marks(canvas: Canvas, service: Service, grid: Grid, marks: Marks) -> None:
    """A comparison's marks, under the headings and boxes they frame."""
    top, bottom = grid.step_row
    last = grid.bands[service.lanes[-1].id][1]
    for step in service.steps:
        x = grid.columns[step.id]
        if step.id in marks.added:
            mark.column(canvas, step.id, x, top - 3, last - 3, grid.spacing.col_w - 2 * GAP + 6)
        elif step.id in marks.changed_steps:
            mark.halo(canvas, f"changed.{step.id}", x, (top + bottom) / 2, grid.spacing.col_w - 2 * GAP, bottom - top)
        for action in step.actions:
            if (step.id, action.lane) in marks.changed:
                box = grid.boxes[step.id, action.lane]
                mark.halo(canvas, f"changed.{step.id}.{action.lane}", box.x, box.y, box.w, box.h)


def _lanes(canvas: Canvas, service: Service, grid: Grid) -> None:
    title_w = grid.spacing.title_w
    head_x = MARGIN + title_w
    for lane in service.lanes:
        top, bottom = grid.bands[lane.id]
        canvas.band(f"lane.{lane.id}", 0, top, canvas.width, bottom, style="filled",
                    fillcolor=LANE_FILL[lane.kind], color="#FFFFFF", penwidth=1.5, **{"class": f"lane {lane.kind}"})
        lines = text.wrap(lane.title, title_w - 16, FONT_SIZE, bold=True, max_lines=4)
        canvas.band(f"lanetitle.{lane.id}", 0, top, head_x, bottom, style="filled", fillcolor=LANE_HEAD[lane.kind],
                    color="#FFFFFF", penwidth=1.5, label=Html(text_lines(lines, FONT_SIZE, LANE_INK[lane.kind], True)),
                    lp=(head_x / 2 + MARGIN / 2, (top + bottom) / 2))
    for line in service.lines:
        y = grid.bands[line.below][0]
        name = line.name.value
        canvas.rule((0, y), (canvas.width, y), id=f"line.{name}", style=LINE_STYLE[name], color=LINE_COLOR,
                    penwidth=1.6, **{"class": f"line {name}"})
        caption = text.wrap(label(service.lang, f"line.{name}"), title_w - 12, SMALL_SIZE, max_lines=2)
        w = max(text.width(part, SMALL_SIZE) for part in caption) + 10
        canvas.node(head_x / 2 + MARGIN / 2, y, w, 4 + line_height(SMALL_SIZE) * len(caption),
                    id=f"line.{name}.label", shape="box",
                    style="rounded,filled", fillcolor="#FFFFFF", color=LINE_COLOR, penwidth=0.8,
                    label=Html(text_lines(caption, SMALL_SIZE, LINE_COLOR)))
    first, last = grid.bands[service.lanes[0].id][0], grid.bands[service.lanes[-1].id][1]
    for stage in service.stages[1:]:
        x = grid.column_span([stage.steps[0].id])[0]
        canvas.rule((x, first), (x, last), style="dashed", color="#B0BEC5", penwidth=0.8)


def _headings(canvas: Canvas, service: Service, grid: Grid, times: dict[str, Timing] | None) -> None:
    top, bottom = grid.stage_row
    title_w = grid.spacing.title_w
    lines = text.wrap(service.title, title_w - 8, HEADING_SIZE, bold=True, max_lines=3)
    canvas.node(MARGIN + title_w / 2, (top + grid.step_row[1]) / 2, title_w - 4, grid.step_row[1] - top,
                id="title", shape="plaintext", label=Html(text_lines(lines, HEADING_SIZE, INK, bold=True)))
    for stage in service.stages:
        left, right = grid.column_span([step.id for step in stage.steps])
        canvas.node((left + right) / 2, (top + bottom) / 2, right - left - 2 * GAP, bottom - top,
                    id=f"stage.{stage.id}", shape="box", style="rounded,filled", fillcolor=STAGE_FILL,
                    color=STAGE_FILL, label=Html(text_lines(grid.stage_lines[stage.id], HEADING_SIZE, "#FFFFFF", True)))
    top, bottom = grid.step_row
    for step in service.steps:
        x, w = grid.columns[step.id], grid.spacing.col_w - 2 * GAP
        when_h = grid.when_height(step.id)
        title_bottom = bottom - (when_h + WHEN_GAP if when_h else 0)
        canvas.node(x, (top + title_bottom) / 2, w, title_bottom - top, id=f"step.{step.id}", shape="box",
                    style="rounded,filled" + (",dashed" if step.conditional else ""),
                    fillcolor=CONDITIONAL_FILL if step.conditional else STEP_FILL,
                    color=CONDITIONAL_LINE if step.conditional else "#CFD8DC",
                    label=Html(text_lines(grid.step_lines[step.id], FONT_SIZE, INK, True)))
        if when_h:
            canvas.node(x, bottom - when_h / 2, w, when_h, id=f"{'when' if step.when else 'chance'}.{step.id}",
                        shape="box", style="rounded,filled,dashed", fillcolor=CONDITIONAL_FILL,
                        color=CONDITIONAL_LINE, label=Html(text_lines(grid.when_lines[step.id], SMALL_SIZE, INK)))
        if times and times[step.id].critical:
            canvas.node(x, top + CRITICAL_H / 2 + 1, w - 12, CRITICAL_H - 2, id=f"critical.{step.id}", shape="box",
                        style="filled", fillcolor=CRITICAL, color=CRITICAL, label="", **{"class": "critical"})
    if grid.marker_row is not None:
        _markers(canvas, service, grid)
    if grid.schedule is not None and grid.schedule_row is not None:
        _schedule(canvas, service, grid.schedule, grid.schedule_row, grid.spacing.title_w)


def _markers(canvas: Canvas, service: Service, grid: Grid) -> None:
    """The wait and pain markers under the step headings."""
    assert grid.marker_row is not None
    y = sum(grid.marker_row) / 2
    for step in service.steps:
        items = []
        if step.wait:
            color = WAIT_OVER if step.wait.excess_s else WAIT
            items.append(("W", humanize.duration(step.wait.expected_s), color, f"wait.{step.id}", "box"))
        if step.pains:
            items.append(("P", str(len(step.pains)) if len(step.pains) > 1 else "", PAIN, f"pain.{step.id}", "circle"))
        widths = [max(18.0, text.width(f"{a} {b}".strip(), SMALL_SIZE, True) + 12) for a, b, *_ in items]
        x = grid.columns[step.id] - (sum(widths) + 8 * (len(widths) - 1)) / 2
        for (letter, note, color, ident, shape), w in zip(items, widths):
            marker(canvas, x + w / 2, y, letter, color, note, id=ident, shape=shape)
            x += w + 8


def _schedule(canvas: Canvas, service: Service, schedule: Strip, row: tuple[float, float], title_w: float) -> None:
    """The schedule strip, a tinted row with its title like a lane's: a bar per step from its start to its finish
    on one time axis (critical steps in the critical colour, conditional ones dashed), steps running at the same
    time on separate tracks."""
    top, bottom = row
    head_x = MARGIN + title_w
    canvas.band("schedulerow", 0, top, canvas.width, bottom, style="filled", fillcolor=SCHEDULE_FILL, color="#FFFFFF",
                penwidth=1.5)
    canvas.band("scheduletitle", 0, top, head_x, bottom, style="filled", fillcolor=SCHEDULE_HEAD, color="#FFFFFF",
                penwidth=1.5)
    caption = text.wrap(label(service.lang, "blueprint.schedule"), title_w - 16, SMALL_SIZE, bold=True, max_lines=2)
    canvas.node(head_x / 2 + MARGIN / 2, (top + bottom) / 2, title_w - 8, len(caption) * SMALL_LINE_HEIGHT + 4,
                id="schedule", shape="plaintext", label=Html(text_lines(caption, SMALL_SIZE, SCHEDULE_INK, bold=True)))
    axis = bottom - AXIS_H
    canvas.rule((schedule.left, axis), (schedule.right, axis), id="schedule.axis", color="#90A4AE", penwidth=0.8)
    for x, time in schedule.ticks:
        canvas.rule((x, axis), (x, axis + 3), color="#90A4AE", penwidth=0.8)
        w = text.width(time, SMALL_SIZE) + 4
        cx = min(max(x, schedule.left + w / 2), schedule.right - w / 2)
        canvas.node(cx, axis + 3 + SMALL_LINE_HEIGHT / 2 + 1, w, SMALL_LINE_HEIGHT, shape="plaintext",
                    label=Html(text_lines([time], SMALL_SIZE, MUTED)))
    for bar in schedule.bars:
        y = top + 4 + TRACK_H * (bar.track + 0.5)
        fill = CRITICAL if bar.critical else SCHEDULE_BAR
        w = bar.right - bar.left
        w -= BAR_GAP if w > 2 * BAR_GAP else 0     # a hair between bars that follow one another
        canvas.node((bar.left + bar.right) / 2, y, w, TRACK_H - 5, id=f"schedule.{bar.step}",
                    shape="box", style="filled" + (",dashed" if bar.conditional else ""),
                    fillcolor=fill + ("88" if bar.conditional else ""), color=fill, penwidth=0.8, label="",
                    **{"class": "schedule critical" if bar.critical else "schedule"})
        if bar.caption:
            w = text.width(bar.caption, SMALL_SIZE) + 2
            ink = "#FFFFFF" if bar.inside and bar.critical and not bar.conditional else INK
            canvas.node(bar.caption_x, y, w, TRACK_H - 5, shape="plaintext",
                        label=Html(text_lines([bar.caption], SMALL_SIZE, ink)))


def _actions(canvas: Canvas, service: Service, grid: Grid) -> dict[tuple[str, str], str]:
    """Draws the action boxes and their fail badges; returns the node name of each (step, lane)."""
    names = {}
    kinds = {lane.id: lane.kind for lane in service.lanes}
    presets = {kind: attributes({
        **({"shape": "note", "style": "filled", "fillcolor": "#FFFDF7"} if kind is LaneKind.EVIDENCE else
           {"shape": "box", "style": "rounded,filled", "fillcolor": "#FFFFFF"}),
        "color": LANE_INK[kind], "penwidth": 1.2, "class": f"action {kind}"}) for kind in LaneKind}
    for step in service.steps:
        for action in step.actions:
            box = grid.boxes[step.id, action.lane]
            body = grid.texts[step.id, action.lane]
            kind = kinds[action.lane]
            html = text_lines(body.lines, FONT_SIZE, INK, italic=kind is LaneKind.EVIDENCE)
            if body.duration:
                html = stack(html, text_lines([body.duration], SMALL_SIZE, MUTED))
            names[step.id, action.lane] = canvas.node(box.x, box.y, box.w, box.h, presets[kind],
                                                      id=f"a.{step.id}.{action.lane}", label=Html(html))
            if action.fail:
                risk = action.fail.risk
                note = str(risk) if risk is not None else ""
                w = max(18.0, text.width(f"F {note}".strip(), SMALL_SIZE, True) + 12)
                marker(canvas, box.right - w / 2, box.top - 12, "F", FAIL, note, id=f"fail.{step.id}.{action.lane}")
    return names


def _flows(canvas: Canvas, service: Service, grid: Grid, names: dict[tuple[str, str], str]) -> None:
    presets = {(kind, origin): attributes({
        "style": FLOW_STYLE[kind.value], "color": FLOW_COLOR[kind.value], "penwidth": 1.2, "arrowsize": 0.7,
        "class": f"flow {kind.value} {origin.value}"}) for kind in FlowKind for origin in FlowOrigin}
    drawn = routes(service, grid)
    # what a label may not cover: boxes, the three lines, every flow's pieces (a label may sit on its own)
    placed: list[Rect] = [(box.x, box.y, box.w + 2, box.h + 2) for box in grid.boxes.values()]
    placed += [(canvas.width / 2, grid.bands[line.below][0], canvas.width, 3.0) for line in service.lines]
    pieces = {route.index: [_piece(a, b) for a, b in zip(route.points, route.points[1:])] for route in drawn}
    for route in drawn:
        flow = route.flow
        ident = f"flow.{route.index}"
        canvas.polyline(names[flow.source.step, flow.source.lane], names[flow.target.step, flow.target.lane],
                        route.points, 0.0 if flow.alongside else ARROW, presets[flow.kind, flow.origin], id=ident)
    for route in drawn:
        if route.flow.label:
            others = [piece for index, own in pieces.items() if index != route.index for piece in own]
            _flow_label(canvas, grid, route, f"flow.{route.index}", route.flow.label,
                        FLOW_COLOR[route.flow.kind.value], placed, others)


Rect = tuple[float, float, float, float]      # centre x, centre y, width, height


def _piece(a: tuple[float, float], b: tuple[float, float]) -> Rect:
    """A straight piece of a route as a thin rectangle."""
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, abs(b[0] - a[0]) + 1.5, abs(b[1] - a[1]) + 1.5)


def _free(x: float, y: float, w: float, h: float, placed: list[Rect]) -> bool:
    return all(abs(x - px) * 2 >= w + pw + 2 or abs(y - py) * 2 >= h + ph + 1 for px, py, pw, ph in placed)


def _flow_label(canvas: Canvas, grid: Grid, route: Route, ident: str, caption: str, color: str,
                placed: list[Rect], others: list[Rect]) -> None:
    """The flow's label by its longest piece, in a strip no box uses: centred on a channel piece or a short
    gap, else in the lane's bottom strip; beside a vertical piece, just off a lane boundary (never on a line).
    A label that would cover a box, a line, a label placed before or another flow's piece moves on to the next
    free spot along its own route; with none free, the least covered one."""
    (ax, ay), (bx, by) = max(zip(route.points, route.points[1:]),
                             key=lambda pair: abs(pair[1][0] - pair[0][0]) + abs(pair[1][1] - pair[0][1]))
    bands = sorted(grid.bands.values())
    if abs(bx - ax) >= abs(by - ay):
        lines = text.wrap(caption, 120.0, SMALL_SIZE, max_lines=2)
        w, h = _label_size(lines)
        y = ay
        band = next(((top, bottom) for top, bottom in bands if top <= y <= bottom), (y, y))
        pad_bottom = grid.spacing.pad_bottom
        if y < band[1] - pad_bottom and w > abs(bx - ax) - 8:
            y = band[1] - pad_bottom / 2
        middle = (ax + bx) / 2
        step = w + 4 if bx > ax else -(w + 4)
        spots = [(middle + k * step, y) for k in range(4)]
    else:
        in_column = abs(ax - grid.columns.get(route.flow.source.step, -1.0)) < grid.spacing.box_w / 2
        lines = text.wrap(caption, 90.0 if in_column else 120.0, SMALL_SIZE, max_lines=2 if in_column else 1)
        w, h = _label_size(lines)
        low, high = sorted((ay, by))
        x = ax - w / 2 - 3
        # below a boundary (the next lane's top strip; badges sit on its right) beside a column's own
        # line, above it (the lane's bottom strip) beside a gutter line
        ys = [top + h / 2 + 2 if in_column else top - h / 2 - 1 for top, _ in bands[1:]]
        middle = (low + high) / 2
        fitting = sorted((y for y in ys if low + h / 2 <= y <= high - h / 2), key=lambda y: abs(y - middle))
        spots = [(x, y) for y in fitting] or [(x, middle)]
    spots += _along(route, grid, w, h)
    obstacles = placed + others
    x, y = next((spot for spot in spots if _free(spot[0], spot[1], w, h, obstacles)), None) or \
        min(spots, key=lambda spot: _covered(spot[0], spot[1], w, h, obstacles))
    placed.append((x, y, w, h))
    canvas.node(x, y, w, h, id=f"{ident}.label", shape="box", style="filled", color="#FFFFFF00",
                fillcolor="#FFFFFFDD", label=Html(text_lines(lines, SMALL_SIZE, color)))


def _along(route: Route, grid: Grid, w: float, h: float) -> list[tuple[float, float]]:
    """Spots beside every piece of the route, near its middle first: above or below a level piece, left or right
    of an upright one; then, for a crowded gutter, in the free strips above and below the boxes of the lanes an
    upright piece crosses, ever further beside it."""
    spots = []
    strips: list[tuple[float, float, float]] = []
    for (ax, ay), (bx, by) in zip(route.points, route.points[1:]):
        for t in (0.5, 0.3, 0.7, 0.15, 0.85):
            x, y = ax + (bx - ax) * t, ay + (by - ay) * t
            if abs(bx - ax) >= abs(by - ay):
                spots += [(x, y - h / 2 - 2), (x, y + h / 2 + 2)]
            else:
                spots += [(x + w / 2 + 3, y), (x - w / 2 - 3, y)]
        if abs(bx - ax) < abs(by - ay):
            low, high = sorted((ay, by))
            for top, bottom in grid.bands.values():
                for y in (top + grid.spacing.pad_top / 2, bottom - grid.spacing.pad_bottom / 2):
                    if low <= y <= high:
                        strips.append((abs(y - (low + high) / 2), ax, y))
    for shift in range(0, 40, 4):
        for _, x, y in sorted(strips):
            spots += [(x + w / 2 + 3 + shift, y), (x - w / 2 - 3 - shift, y)]
    return spots


def _covered(x: float, y: float, w: float, h: float, placed: list[Rect]) -> float:
    """How much of the label's area the rectangles `placed` cover."""
    total = 0.0
    for px, py, pw, ph in placed:
        dx = (w + pw) / 2 - abs(x - px)
        dy = (h + ph) / 2 - abs(y - py)
        if dx > 0 and dy > 0:
            total += min(dx, w, pw) * min(dy, h, ph)
    return total


def _label_size(lines: list[str]) -> tuple[float, float]:
    return max(text.width(line, SMALL_SIZE) for line in lines) + 6, len(lines) * line_height(SMALL_SIZE) + 3


def _tag_lines(connector: Connector, col_w: float) -> list[str]:
    """An up or down connector's words as its tag shows them, under its column."""
    return text.wrap(connector.text, col_w - 16, SMALL_SIZE, max_lines=3)


def _tag_row(lines: list[str]) -> float:
    """The height an up or down connector's tag takes in its row: CONNECTOR_ROW for three lines, less for fewer."""
    return CONNECTOR_ROW - (3 - len(lines)) * line_height(SMALL_SIZE)


def connector_rows(connectors: Sequence[Connector], col_w: float) -> tuple[float, float]:
    """Heights of the rows above the first lane and below the last that hold the tags of the up and down
    connectors: the tags of the busiest column, stacked (at most CONNECTOR_ROW each, which the report's planner
    counts on)."""
    def most(side: str) -> float:
        rows: dict[str, float] = {}
        for connector in connectors:
            if connector.side == side:
                rows[connector.step] = rows.get(connector.step, 0.0) + _tag_row(_tag_lines(connector, col_w))
        return max(rows.values(), default=0.0)
    return most("up"), most("down")


def _connectors(canvas: Canvas, grid: Grid, names: dict[tuple[str, str], str],
                connectors: Sequence[Connector]) -> None:
    """Each connector as a dashed arrow from (or to) its box to the window's edge and its words at the edge:
    sideways ones in the room beside the columns, level with their box; up and down ones through the gutter
    right of their column to a row above the first lane or below the last, under their column."""
    spacing = grid.spacing
    edge_left = MARGIN + spacing.title_w
    edge_right = canvas.width - MARGIN
    lanes = sorted(grid.bands.values())
    first_top, last_bottom = lanes[0][0], lanes[-1][1]
    placed: Counter[tuple[str, str]] = Counter()
    stacked: dict[tuple[str, str], float] = {}           # the height of the tags already in a column's row
    for index, connector in enumerate(connectors):
        box = grid.boxes[connector.step, connector.lane]
        ident = f"exit.{connector.step}.{connector.lane}.{connector.side}.{index}"
        name = names[connector.step, connector.lane]
        if connector.side in ("left", "right"):
            continue
        lines = _tag_lines(connector, spacing.col_w)
        w, h = _label_size(lines)
        k = placed[connector.step, connector.side]
        placed[connector.step, connector.side] += 1
        up = connector.side == "up"
        below = stacked.get((connector.step, connector.side), 0.0) + _tag_row(lines) / 2
        stacked[connector.step, connector.side] = below + _tag_row(lines) / 2
        y = first_top - below if up else last_bottom + below
        x = box.x
        tag = _connector_tag(canvas, x, y, w, h, lines, ident)
        gutter = box.x + spacing.col_w / 2 + 2 + 3 * k
        port = max(box.top + 4, min(box.bottom - 4, box.y + (4 * k if up else -4 * k)))
        points = [(box.right, port), (gutter, port), (gutter, y), (x + w / 2, y)]
        _connector_line(canvas, name, tag, points, connector.outgoing)
    # the lanes in their order: a set's order changes with the hash seed, and the picture's bytes with it
    for lane in dict.fromkeys(c.lane for c in connectors if c.side in ("left", "right")):
        for side in ("left", "right"):
            group = [c for c in connectors if c.lane == lane and c.side == side]
            wrapped = [text.wrap(c.text, CONNECTOR_W - 10, SMALL_SIZE, max_lines=9) for c in group]
            sizes = [_label_size(lines) for lines in wrapped]
            top, bottom = grid.bands[lane]
            y = (top + bottom) / 2 - (sum(h for _, h in sizes) + 2 * (len(group) - 1)) / 2
            left = side == "left"
            for index, (connector, lines, (w, h)) in enumerate(zip(group, wrapped, sizes)):
                box = grid.boxes[connector.step, connector.lane]
                mid = y + h / 2
                y += h + 2
                x = edge_left + 2 + w / 2 if left else edge_right - 2 - w / 2
                tag = _connector_tag(canvas, x, mid, w, h, lines, f"exit.{connector.step}.{lane}.{side}.{index}")
                port = max(box.top + 4, min(box.bottom - 4, mid))
                side_x = box.left if left else box.right
                tag_x = x + w / 2 if left else x - w / 2
                bend = (side_x + tag_x) / 2
                points = [(side_x, port), (bend, port), (bend, mid), (tag_x, mid)]
                _connector_line(canvas, names[connector.step, lane], tag, points, connector.outgoing)


def _connector_tag(canvas: Canvas, x: float, y: float, w: float, h: float, lines: list[str], ident: str) -> str:
    return canvas.node(x, y, w, h, id=ident, shape="box", style="rounded,filled", color=MUTED, penwidth=0.6,
                       fillcolor="#FFFFFF", label=Html(text_lines(lines, SMALL_SIZE, INK)), **{"class": "exit"})


def _connector_line(canvas: Canvas, box: str, tag: str, points: list[tuple[float, float]], outgoing: bool) -> None:
    ends, pts = ((box, tag), points) if outgoing else ((tag, box), points[::-1])
    canvas.polyline(*ends, pts, ARROW, style="dashed", color=MUTED, penwidth=1.0, arrowsize=0.6)

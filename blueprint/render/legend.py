"""The legend: which marker and flow kinds a view uses, and a compact drawing of only those."""
from __future__ import annotations

from ..i18n import label
from ..model import Service
from . import text
from .customers import curve_lanes, narrow
from .dot import Canvas, Html, text_lines
from .marks import Marks, legend_keys
from .theme import (ADDED, CHANGED, CONDITIONAL_FILL, CONDITIONAL_LINE, CRITICAL, CURVE_COLORS, CURVE_STYLES,
                    EMOTION_COLOR, FAIL, FLOW_COLOR, FLOW_STYLE, INK, MOMENT, MUTED, PAIN, SMALL_SIZE, STEP_FILL,
                    WAIT, WAIT_OVER, readable)

SYMBOL_W = 34.0
ROW_H = 24.0
ITEM_GAP = 20.0
TITLE_GAP = 14.0


class Entry(str):
    """A legend entry whose caption is not a label but given (a customer lane's title by its curve)."""

    caption: str

    def __new__(cls, key: str, caption: str) -> Entry:
        entry = super().__new__(cls, key)
        entry.caption = caption
        return entry


def legend_items(service: Service, view: str, marks: Marks | None = None) -> tuple[str, ...]:
    """The legend entries `view` needs for `service` (and a comparison's `marks`), in drawing order: i18n keys,
    and `Entry`s."""
    return _items(service, view) + tuple(legend_keys(marks))


def _items(service: Service, view: str) -> tuple[str, ...]:
    steps = service.steps
    if view == "journey":
        curves = curve_lanes(service)
        keys: list[str] = ["legend.emotion"] if curves else []
        if len(curves) > 1:
            keys += [Entry(f"legend.curve.{index}", service.lane(lane).title) for index, lane in enumerate(curves)]
        waits = [step.wait for step in steps if step.wait]
        wanted = {
            "legend.conditional": any(step.conditional for step in steps),
            "legend.pain_moment": any(step.pains and step.emotion is not None for step in steps),
            "legend.wait": any(not wait.excess_s for wait in waits),
            "legend.wait_over": any(wait.excess_s for wait in waits),
            "legend.moment": any(step.touchpoint and step.touchpoint.moment for step in steps),
            "legend.narrow": any(narrow(service, step) for step in steps),
        }
        return tuple(keys + [key for key, used in wanted.items() if used])
    actions = [action for step in steps for action in step.actions]
    kinds = {flow.kind.value for flow in service.flows if flow.source != flow.target and not flow.alongside}
    waits = [step.wait for step in steps if step.wait]
    wanted = {
        "legend.critical": service.uses_after,
        "legend.conditional": any(step.conditional for step in steps),
        "legend.fail": any(action.fail for action in actions),
        "legend.wait": any(not wait.excess_s for wait in waits),
        "legend.wait_over": any(wait.excess_s for wait in waits),
        "legend.pain": any(step.pains for step in steps),
        "legend.duration": any(action.duration_s is not None for action in actions),
        "legend.request": "request" in kinds,
        "legend.data": "data" in kinds,
        "legend.return": "return" in kinds,
        "legend.alongside": any(flow.alongside for flow in service.flows),
    }
    return tuple(key for key, used in wanted.items() if used)


def _caption(lang: str, key: str) -> str:
    return key.caption if isinstance(key, Entry) else label(lang, key)


def _text_w(lang: str, key: str) -> float:
    return text.width(_caption(lang, key), SMALL_SIZE)


def legend_size(keys: tuple[str, ...], lang: str, max_w: float) -> tuple[float, float]:
    """Width and height of the legend laid out in rows no wider than `max_w`."""
    rows = _rows(keys, lang, max_w)
    width = max(sum(w for _, w in row) for row in rows) if rows else 0.0
    return width, len(rows) * ROW_H + 8


def _rows(keys: tuple[str, ...], lang: str, max_w: float) -> list[list[tuple[str, float]]]:
    title_w = text.width(label(lang, "legend"), SMALL_SIZE + 1, bold=True) + TITLE_GAP
    rows: list[list[tuple[str, float]]] = [[("legend", title_w)]] if keys else []
    for key in keys:
        item_w = SYMBOL_W + 6 + _text_w(lang, key) + ITEM_GAP
        if sum(w for _, w in rows[-1]) + item_w > max_w and len(rows[-1]) > 1:
            rows.append([("", title_w)])
        rows[-1].append((key, item_w))
    return rows


def draw_legend(canvas: Canvas, keys: tuple[str, ...], lang: str, x: float, y: float, max_w: float) -> None:
    """The legend with its top-left corner at (`x`, `y`)."""
    width, height = legend_size(keys, lang, max_w)
    if not keys:
        return
    canvas.band("legend", x - 6, y, x + width, y + height, style="rounded", color="#B0BEC5", penwidth=0.8)
    for r, row in enumerate(_rows(keys, lang, max_w)):
        cy = y + 4 + ROW_H * (r + 0.5)
        left = x
        for key, item_w in row:
            if key == "legend":
                title_w = item_w - TITLE_GAP
                canvas.node(left + title_w / 2, cy, title_w, 14, shape="plaintext",
                            label=Html(text_lines([label(lang, "legend")], SMALL_SIZE + 1, INK, bold=True)))
            elif key:
                _symbol(canvas, key, left + SYMBOL_W / 2, cy)
                text_w = _text_w(lang, key)
                canvas.node(left + SYMBOL_W + 6 + text_w / 2, cy, text_w, 14, shape="plaintext",
                            label=Html(text_lines([_caption(lang, key)], SMALL_SIZE, INK)))
            left += item_w


def marker(canvas: Canvas, x: float, y: float, letter: str, color: str, note: str = "",
           id: str | None = None, shape: str = "ellipse") -> float:
    """A filled marker with a white or black letter (and a short note), whichever reads on `color`, centred at
    (`x`, `y`); returns its width."""
    caption = f"{letter} {note}" if note else letter
    w = max(18.0, text.width(caption, SMALL_SIZE, bold=True) + 12)
    canvas.node(x, y, w, 18, id=id, shape=shape, style="filled,rounded", fillcolor=color, color=color,
                label=Html(text_lines([caption], SMALL_SIZE, readable(color), bold=True)))
    return w


def _symbol(canvas: Canvas, key: str, x: float, y: float) -> None:
    ident = f"legend.{key.split('.', 1)[1]}"
    if key == "legend.fail":
        marker(canvas, x, y, "F", FAIL, id=ident)
    elif key == "legend.wait":
        marker(canvas, x, y, "W", WAIT, id=ident, shape="box")
    elif key == "legend.wait_over":
        marker(canvas, x, y, "W", WAIT_OVER, id=ident, shape="box")
    elif key == "legend.pain":
        marker(canvas, x, y, "P", PAIN, id=ident, shape="circle")
    elif key == "legend.duration":
        canvas.node(x, y, SYMBOL_W, 14, id=ident, shape="plaintext",
                    label=Html(text_lines(["5m"], SMALL_SIZE, MUTED)))
    elif key == "legend.emotion":
        for i, score in enumerate((-2, 0, 2)):
            canvas.node(x - 11 + 11 * i, y, 9, 9, shape="circle", style="filled",
                        fillcolor=EMOTION_COLOR[score], color=EMOTION_COLOR[score], label="")
    elif key == "legend.added":
        canvas.node(x, y, SYMBOL_W - 6, 16, id=ident, shape="box", style="rounded", color=ADDED, penwidth=2.5,
                    label="")
    elif key == "legend.changed":
        canvas.node(x, y, SYMBOL_W - 6, 16, id=ident, shape="box", style="rounded,filled", fillcolor=CHANGED,
                    color=CHANGED, label="")
        canvas.node(x, y, SYMBOL_W - 14, 8, shape="box", style="rounded,filled", fillcolor="#FFFFFF",
                    color="#FFFFFF", label="")
    elif key.startswith("legend.curve."):
        index = int(key.rsplit(".", 1)[1])
        canvas.rule((x - SYMBOL_W / 2, y), (x + SYMBOL_W / 2, y), id=ident,
                    color=CURVE_COLORS[index % len(CURVE_COLORS)], style=CURVE_STYLES[index % len(CURVE_STYLES)],
                    penwidth=2.2)
    elif key == "legend.moment":
        canvas.node(x, y, SYMBOL_W - 4, 12, id=ident, shape="box", style="rounded,filled", fillcolor=MOMENT,
                    color=MOMENT, label="")
    elif key == "legend.narrow":
        canvas.node(x, y, 12, 16, id=ident, shape="box", style="rounded,filled", fillcolor=STEP_FILL,
                    color="#CFD8DC", label="")
    elif key == "legend.critical":
        canvas.node(x, y, SYMBOL_W - 6, 5, id=ident, shape="box", style="filled", fillcolor=CRITICAL,
                    color=CRITICAL, label="")
    elif key == "legend.conditional":
        canvas.node(x, y, SYMBOL_W - 4, 14, id=ident, shape="box", style="rounded,filled,dashed",
                    fillcolor=CONDITIONAL_FILL, color=CONDITIONAL_LINE, label="")
    elif key == "legend.alongside":
        canvas.rule((x - SYMBOL_W / 2, y), (x + SYMBOL_W / 2, y), id=ident, style=FLOW_STYLE["request"],
                    color=FLOW_COLOR["request"], penwidth=1.2)
    elif key == "legend.pain_moment":
        canvas.node(x, y, 16, 16, id=ident, shape="doublecircle", style="filled", fillcolor=EMOTION_COLOR[-1],
                    color=PAIN, penwidth=1.5, label="")
    else:
        kind = key.split(".", 1)[1]
        canvas.rule((x - SYMBOL_W / 2, y), (x + SYMBOL_W / 2, y), arrow=7.0, id=ident, style=FLOW_STYLE[kind],
                    color=FLOW_COLOR[kind], penwidth=1.2, arrowsize=0.7)

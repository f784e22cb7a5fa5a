"""Our own small charts as SVG text: the 5×5 risk matrix and the time bars per stage; all text escaped."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import NamedTuple

from ..render import text
from ..render.schedule import axis_ticks
from ..render.theme import CRITICAL, INK, MUTED, SCHEDULE_BAR
from .context import CostRow, FailRow, ScheduleRow, TimeRow

FONT = "Noto Sans CJK SC"
SIZE = 8.0
CELL_W = 62.0
CELL_H = 40.0
RISK_BANDS = ((15, "#EF9A9A"), (10, "#FFCC80"), (5, "#FFF59D"), (1, "#C8E6C9"))   # lowest risk of each colour
LABEL_W = 150.0
BAR_W = 360.0
AFTER = 150.0           # room right of the longest bar for its caption
NARROW_LABEL_W, NARROW_AFTER = 96.0, 84.0       # the same in a chart narrower than WIDE (a column, a portrait page)
WIDE = LABEL_W + BAR_W + AFTER
BAR_H = 12.0
ROW_H = 16.0
LEAD = "#B0BEC5"
VALUE = "#2E7D32"
COST_COLOURS = ("#1565C0", "#F9A825", "#90A4AE")     # labour, direct, indirect
WASTE = "#E65100"


class Room(NamedTuple):
    """A bar chart's columns across: the labels, the bars, the captions after the longest bar."""

    label: float
    bar: float
    after: float

    @property
    def width(self) -> float:
        return self.label + self.bar + self.after

    @property
    def key(self) -> float:
        """Where the key under the chart starts: under the bars, or at the left edge of a narrow chart."""
        return self.label if self.label >= LABEL_W else 0.0


def room(width: float | None = None) -> Room:
    """The columns of a bar chart at most `width` points wide (WIDE when None or wider)."""
    if width is None or width >= WIDE:
        return Room(LABEL_W, BAR_W, AFTER)
    return Room(NARROW_LABEL_W, min(BAR_W, width - NARROW_LABEL_W - NARROW_AFTER), NARROW_AFTER)


def risk_colour(risk: int) -> str:
    return next(colour for lowest, colour in RISK_BANDS if risk >= lowest)


def _text(x: float, y: float, content: str, size: float = SIZE, anchor: str = "start", fill: str = INK,
          bold: bool = False, rotate: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    turn = f' transform="rotate(-90 {x:.1f} {y:.1f})"' if rotate else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size:.1f}" fill="{fill}" '
            f'text-anchor="{anchor}"{weight}{turn}>{escape(content, quote=True)}</text>')


def _svg(width: float, height: float, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.1f}pt" height="{height:.1f}pt" '
            f'viewBox="0 0 {width:.1f} {height:.1f}">' + "".join(body) + "</svg>")


def _fit(content: str, limit: float, size: float, bold: bool = False) -> str:
    """`content` on one line, cut with an ellipsis to `limit` points."""
    return text.wrap(content, limit, size, bold=bold, max_lines=1)[0] if content else ""


def risk_matrix(fails: Sequence[FailRow], severity: str, likelihood: str, width: float | None = None) -> str:
    """Severity (rows, 5 at the top) by likelihood (columns); each scored fail point as its rank in its cell; its
    cells narrower when the matrix must fit `width` points."""
    left, top = 44.0, 8.0
    cell_w = CELL_W if width is None else min(CELL_W, (width - left - 4) / 5)
    body: list[str] = []
    for row, sev in enumerate(range(5, 0, -1)):
        for col, like in enumerate(range(1, 6)):
            x, y = left + col * cell_w, top + row * CELL_H
            risk = sev * like
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell_w:.1f}" height="{CELL_H:.1f}" '
                        f'fill="{risk_colour(risk)}" stroke="#FFFFFF" stroke-width="1.5"/>')
            body.append(_text(x + cell_w - 4, y + 10, str(risk), SIZE - 1, "end", MUTED))
            ranks = [f"#{f.rank}" for f in fails if f.severity == sev and f.likelihood == like]
            lines = text.wrap(" ".join(ranks), cell_w - 10, SIZE + 1, bold=True, max_lines=2) if ranks else []
            for number, line in enumerate(lines):
                body.append(_text(x + cell_w / 2, y + 22 + number * 11, line, SIZE + 1, "middle", bold=True))
        body.append(_text(left - 6, top + row * CELL_H + CELL_H / 2 + 3, str(sev), SIZE, "end"))
    bottom = top + 5 * CELL_H
    for col in range(5):
        body.append(_text(left + col * cell_w + cell_w / 2, bottom + 12, str(col + 1), SIZE, "middle"))
    body.append(_text(left + 2.5 * cell_w, bottom + 26, likelihood, SIZE, "middle", bold=True))
    body.append(_text(14, top + 2.5 * CELL_H, severity, SIZE, "middle", bold=True, rotate=True))
    return _svg(left + 5 * cell_w + 4, bottom + 32, body)


def stage_bars(rows: Sequence[TimeRow], lead_label: str, value_label: str, width: float | None = None) -> str:
    """One bar per stage, as long as its time, the value-added part drawn over it; a key below; at most `width`
    points wide."""
    across = room(width)
    longest = max((row.time_s for row in rows), default=0) or 1
    body: list[str] = []
    for index, row in enumerate(rows):
        y = 4 + index * ROW_H
        body.append(_text(0, y + BAR_H - 3, _fit(row.title, across.label - 8, SIZE + 1), SIZE + 1))
        lead_w = across.bar * row.time_s / longest
        value_w = across.bar * row.value_added_s / longest
        for bar_w, colour in ((lead_w, LEAD), (value_w, VALUE)):
            body.append(f'<rect x="{across.label:.1f}" y="{y:.1f}" width="{bar_w:.2f}" height="{BAR_H:.1f}" '
                        f'fill="{colour}"/>')
        caption = f"{row.time} · {row.value_added}" + (f" ({row.ratio})" if row.ratio else "")
        body.append(_text(across.label + lead_w + 6, y + BAR_H - 3, caption, SIZE, fill=MUTED))
    key_y = 4 + len(rows) * ROW_H + 6
    body += _key(((f'fill="{LEAD}"', lead_label), (f'fill="{VALUE}"', value_label)), key_y, across.key)
    return _svg(across.width, key_y + 16, body)


def _bar_style(colour: str, sometimes: bool) -> str:
    """A bar's fill and outline: a step that happens only sometimes is pale and dashed."""
    return f'fill="{colour}" stroke="{colour}"' + (' stroke-dasharray="3,2" fill-opacity="0.45"' if sometimes else "")


def _key(items: Iterable[tuple[str, str]], y: float, left: float = LABEL_W) -> list[str]:
    """A key under a chart: a swatch (its SVG attributes) and a name for each item, left to right from `left`."""
    body = []
    for style, name in items:
        body.append(f'<rect x="{left:.1f}" y="{y:.1f}" width="14" height="9" {style}/>')
        body.append(_text(left + 18, y + 8, name, SIZE))
        left += 18 + text.width(name, SIZE) + 24
    return body


def gantt(rows: Sequence[ScheduleRow], lead_s: float, keys: tuple[str, str, str], width: float | None = None) -> str:
    """A bar per step (time order) from its start to its finish, the critical path in its colour, a step that
    happens only sometimes pale and dashed; the time axis below, then a key (`keys`: the names of critical,
    other and sometimes; the last only when some step happens only sometimes); at most `width` points wide."""
    across = room(width)
    scale = across.bar / (lead_s or 1)
    body: list[str] = []
    for index, row in enumerate(rows):
        y = 4 + index * ROW_H
        body.append(_text(0, y + BAR_H - 3, _fit(row.step, across.label - 8, SIZE + 1), SIZE + 1, bold=row.critical))
        x = across.label + row.start_s * scale
        w = max((row.finish_s - row.start_s) * scale, 2.0)
        style = _bar_style(CRITICAL if row.critical else SCHEDULE_BAR, row.chance is not None)
        body.append(f'<rect x="{x:.2f}" y="{y:.1f}" width="{w:.2f}" height="{BAR_H:.1f}" {style}/>')
        caption = f"{row.start} – {row.finish}" + (f" · {row.chance}" if row.chance else "")
        body.append(_text(x + w + 6, y + BAR_H - 3, caption, SIZE, fill=MUTED))
    axis_y = 4 + len(rows) * ROW_H
    body.append(f'<line x1="{across.label:.1f}" y1="{axis_y:.1f}" x2="{across.label + across.bar:.1f}" '
                f'y2="{axis_y:.1f}" stroke="{MUTED}" stroke-width="0.6"/>')
    for x, label in axis_ticks(0, lead_s, across.label, across.label + across.bar):
        body.append(f'<line x1="{x:.1f}" y1="{axis_y:.1f}" x2="{x:.1f}" y2="{axis_y + 3:.1f}" stroke="{MUTED}" '
                    f'stroke-width="0.6"/>')
        body.append(_text(x, axis_y + 12, label, SIZE - 1, "middle", MUTED))
    key_y = axis_y + 22
    items = list(zip((_bar_style(CRITICAL, False), _bar_style(SCHEDULE_BAR, False), _bar_style(SCHEDULE_BAR, True)),
                     keys))
    body += _key(items if any(row.chance for row in rows) else items[:2], key_y, across.key)
    return _svg(across.width, key_y + 16, body)


def cost_bars(rows: Sequence[CostRow], keys: tuple[str, str, str, str], width: float | None = None) -> str:
    """One bar per stage as long as its cost, in labour, direct and indirect parts, the cost of waste as a thin
    bar under it; a key below (`keys`: labour, direct, indirect, waste); at most `width` points wide."""
    across = room(width)
    most = max((row.amounts.total for row in rows), default=0) or 1
    body: list[str] = []
    for index, row in enumerate(rows):
        y = 4 + index * ROW_H
        body.append(_text(0, y + BAR_H - 3, _fit(row.title, across.label - 8, SIZE + 1), SIZE + 1))
        x = across.label
        for colour, amount in zip(COST_COLOURS, (row.amounts.labour, row.amounts.direct, row.amounts.indirect)):
            w = across.bar * amount / most
            body.append(f'<rect x="{x:.2f}" y="{y:.1f}" width="{w:.2f}" height="{BAR_H - 4:.1f}" fill="{colour}"/>')
            x += w
        waste_w = across.bar * row.amounts.waste / most
        body.append(f'<rect x="{across.label:.1f}" y="{y + BAR_H - 3:.1f}" width="{waste_w:.2f}" height="3" '
                    f'fill="{WASTE}"/>')
        body.append(_text(x + 6, y + BAR_H - 5, row.total, SIZE, fill=MUTED))
    key_y = 4 + len(rows) * ROW_H + 6
    body += _key(zip([f'fill="{colour}"' for colour in (*COST_COLOURS, WASTE)], keys), key_y, across.key)
    return _svg(across.width, key_y + 16, body)

"""DOT text for a picture whose every position we computed: escaping, pinned nodes, bands, fixed lines."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import cast

from .text import FONT, clean

Point = tuple[float, float]
PAD_INCHES = 0.15          # Graphviz's margin around the picture


_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\\": "&#92;&#92;",
                           "{": "&#123;", "}": "&#125;", "|": "&#124;", "[": "&#91;", "]": "&#93;"})


class Html(str):
    """A Graphviz HTML-like label body, already escaped; written between < and >."""


@lru_cache(maxsize=65536)
def num(value: float) -> str:
    """A number as DOT wants it: at most two decimals, no trailing zeros."""
    rounded = round(value, 2)
    if rounded == int(rounded):
        return str(int(rounded))
    text = "%.2f" % rounded
    if text.endswith("0"):
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


QUOTED_MAX = 4000          # characters: Graphviz refuses a quoted string over 16384 bytes, so longer ones are joined


def quote(value: str) -> str:
    """A double-quoted DOT string that Graphviz reads back literally (a long one as pieces joined by `+`)."""
    pieces = [value[i:i + QUOTED_MAX] for i in range(0, len(value), QUOTED_MAX)] or [""]
    return " + ".join('"' + piece.replace("\\", "\\\\").replace('"', '\\"') + '"' for piece in pieces)


def escape(text: str) -> str:
    """User text for inside an HTML-like label: cleaned, markup characters as entities, backslashes doubled
    (Graphviz expands \\N, \\G, \\L ... even inside HTML labels, after decoding entities)."""
    return clean(text).translate(_ENTITIES)


def line_height(size: float) -> float:
    """Distance between lines of `size` points: Graphviz's own (1.2 em) makes CJK lines touch."""
    return round(size * 1.4)


def text_lines(lines: Sequence[str], size: float, color: str = "#222222", bold: bool = False,
               italic: bool = False, align: str = "CENTER") -> str:
    """Lines of user text as an HTML-like label fragment, one font for all, one table row per line."""
    cells = []
    for line in lines or [""]:
        body = escape(line) or " "
        if bold:
            body = f"<B>{body}</B>"
        if italic:
            body = f"<I>{body}</I>"
        cells.append(f'<TR><TD HEIGHT="{num(line_height(size))}" ALIGN="{align}">{body}</TD></TR>')
    table = f'<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="0">{"".join(cells)}</TABLE>'
    return f'<FONT POINT-SIZE="{num(size)}" COLOR="{color}">{table}</FONT>'


def stack(*parts: str) -> str:
    """HTML-like label fragments one above the other."""
    rows = "".join(f"<TR><TD>{part}</TD></TR>" for part in parts)
    return f'<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="0">{rows}</TABLE>'


def _value(value: object) -> str:
    kind = type(value)
    if kind is str:
        return quote(value)  # type: ignore[arg-type]
    if kind is Html:
        return f"<{value}>"
    if kind is float or kind is int:
        return num(value)
    return quote(str(value))


def attributes(attrs: dict[str, object]) -> str:
    """A DOT attribute list, in the given order, without empty values."""
    return ", ".join([f"{key}={_value(value)}" for key, value in attrs.items() if value is not None])


class Canvas:
    """A pinned picture in points, y downwards; written as DOT that plain `dot` lays out with nop2."""

    def __init__(self, width: float, height: float, graph_attrs: Mapping[str, object]) -> None:
        self.width = width
        self.height = height
        self._graph = graph_attrs
        self._clusters: list[str] = []
        self._nodes: list[str] = []
        self._edges: list[str] = []
        self._count = 0

    def pos(self, x: float, y: float) -> str:
        return f"{num(x)},{num(self.height - y)}"

    def band(self, id: str, x0: float, y0: float, x1: float, y1: float, **attrs: object) -> None:
        """A filled rectangle drawn under everything (a cluster with a fixed bounding box)."""
        name = f"cluster_{len(self._clusters) + 1}"
        bb = f"{num(x0)},{num(self.height - y1)},{num(x1)},{num(self.height - y0)}"
        if "lp" in attrs:
            lx, ly = cast(tuple[float, float], attrs.pop("lp"))
            attrs["lp"] = self.pos(lx, ly)
        self._clusters.append(f"subgraph {name} {{ graph [{attributes({'id': id, 'bb': bb, **attrs})}]; }}")

    def node(self, x: float, y: float, w: float, h: float, preset: str = "", **attrs: object) -> str:
        """A node of fixed size `w`×`h` centred at (`x`, `y`), with the attributes `attrs` and the
        already written ones `preset` (shared by many nodes); returns its generated name."""
        self._count += 1
        name = f"n{self._count}"
        extra = f", {preset}" if preset else ""
        self._nodes.append(f'{name} [pos="{num(x)},{num(self.height - y)}!", width={round(w / 72, 4)}, '
                           f"height={round(h / 72, 4)}, {attributes(attrs)}{extra}];")
        return name

    def anchor(self, x: float, y: float) -> str:
        """An invisible point: an end for a fixed line, or a corner that keeps the bounding box."""
        return self.node(x, y, 0.01, 0.01, shape="point", style="invis")

    def edge(self, tail: str, head: str, preset: str = "", **attrs: object) -> None:
        """An edge Graphviz routes (unless `attrs` carries its `pos`); `preset` as for nodes."""
        extra = f", {preset}" if preset else ""
        self._edges.append(f"{tail} -> {head} [{attributes(attrs)}{extra}];")

    def curve(self, points: Sequence[Point], preset: str = "", **attrs: object) -> None:
        """A fixed Bézier path (3n+1 points) between two invisible ends; never re-routed."""
        tail = self.anchor(*points[0])
        head = self.anchor(*points[-1])
        spline = " ".join(self.pos(x, y) for x, y in points)
        self.edge(tail, head, preset, pos=spline, dir="none", **attrs)

    def polyline(self, tail: str, head: str, points: Sequence[Point], arrow: float = 0.0, preset: str = "",
                 **attrs: object) -> None:
        """A fixed edge `tail` -> `head` along straight pieces through `points`, an arrowhead `arrow` long at the
        end."""
        pts = list(points)
        if arrow:
            (ax, ay), (bx, by) = pts[-2], pts[-1]
            length = max(((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5, 1e-6)
            cut = min(arrow, length * 0.8)
            pts[-1] = (bx - (bx - ax) * cut / length, by - (by - ay) * cut / length)
        height = self.height
        spline = [f"{num(pts[0][0])},{num(height - pts[0][1])}"]
        for (ax, ay), (bx, by) in zip(pts, pts[1:]):
            here = f"{num(bx)},{num(height - by)}"
            spline += [f"{num(ax)},{num(height - ay)}", here, here]
        text = " ".join(spline)
        if arrow:
            self.edge(tail, head, preset, pos=f"e,{self.pos(*points[-1])} {text}", **attrs)
        else:
            self.edge(tail, head, preset, pos=text, dir="none", **attrs)

    def rule(self, a: Point, b: Point, **attrs: object) -> None:
        """A fixed straight line between two invisible ends, no arrowhead (unless `arrow` is given)."""
        self.polyline(self.anchor(*a), self.anchor(*b), [a, b], **attrs)  # type: ignore[arg-type]

    def source(self, name: str = "blueprint") -> str:
        """The whole DOT text."""
        bb = f"0,0,{num(self.width)},{num(self.height)}"
        head = [f"digraph {quote(name)} {{",
                f"graph [{attributes({**self._graph, 'pad': PAD_INCHES, 'fontname': FONT, 'bb': bb})}];",
                f"node [{attributes({'fontname': FONT, 'fixedsize': 'true', 'margin': 0})}];",
                f"edge [{attributes({'fontname': FONT})}];"]
        return "\n".join([*head, *self._clusters, *self._nodes, *self._edges, "}", ""])


def smooth(points: Iterable[Point]) -> list[Point]:
    """Bézier control points (3n+1) for a smooth curve through `points` (x increasing) that never
    overshoots: flat at every peak, trough and plateau (monotone cubic tangents)."""
    pts = list(points)
    if len(pts) < 2:
        return pts
    slopes = [(b[1] - a[1]) / max(b[0] - a[0], 1e-6) for a, b in zip(pts, pts[1:])]
    tangents = [slopes[0]] + [0.0 if left * right <= 0 else (left + right) / 2
                              for left, right in zip(slopes, slopes[1:])] + [slopes[-1]]
    tangents[0] = tangents[-1] = 0.0
    out = [pts[0]]
    for (a, b), ta, tb in zip(zip(pts, pts[1:]), tangents, tangents[1:]):
        third = (b[0] - a[0]) / 3
        out += [(a[0] + third, a[1] + ta * third), (b[0] - third, b[1] - tb * third), b]
    return out

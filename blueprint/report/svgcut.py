"""Reading our renderer's SVG: size, column and band positions, text extents; cropping it to a band, stretching its
bands."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from operator import add

_NS = "{http://www.w3.org/2000/svg}"
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_BANDS = ("lane.", "row.")      # blueprint lanes, journey rows: safe places to cut between


@dataclass(frozen=True)
class Geometry:
    """Positions in top-down SVG units (y grows downwards from the picture's top edge)."""

    width: float
    height: float
    min_x: float
    min_y: float
    headings_bottom: float                      # lowest edge of the step headings
    bands: tuple[tuple[float, float], ...]      # lanes or rows, top to bottom
    solids: tuple[tuple[float, float], ...]     # vertical extent of every text line and node: never cut through
    smallest_font: float
    columns: tuple[tuple[float, float], ...] = ()   # the step headings' horizontal extents, left to right

    @property
    def header_bottom(self) -> float:
        """Where the stage and step headings end: the top of the first band below them."""
        return min((top for top, _ in self.bands if top >= self.headings_bottom - 0.5), default=0.0)

    def cut_near(self, y: float) -> float:
        """`y` moved down past any text line or node it would cut through."""
        moved = True
        while moved:
            moved = False
            for top, bottom in self.solids:
                if top < y < bottom:
                    y, moved = bottom + 0.5, True
        return y


def _points(element: ET.Element) -> list[float]:
    return [float(n) for n in _NUMBER.findall(element.get("points") or element.get("d") or "")]


def _translate(graph: ET.Element) -> tuple[float, float]:
    """Graphviz's offset of the drawing (x, y) inside the picture."""
    tx, ty = _NUMBER.findall(graph.get("transform", "").split("translate", 1)[-1])[:2]
    return float(tx), float(ty)


def geometry(svg: bytes) -> Geometry:
    root = ET.fromstring(svg)
    min_x, min_y, width, height = (float(n) for n in root.get("viewBox", "0 0 0 0").split())
    graph = root.find(f"{_NS}g")
    assert graph is not None
    tx, ty = _translate(graph)
    headings_bottom = 0.0
    bands, solids, columns = [], [], []
    for group in graph.iter(f"{_NS}g"):
        ident = group.get("id", "")
        shape = group.find(f"{_NS}polygon")
        if shape is None:
            shape = group.find(f"{_NS}path")
        if shape is None:
            continue
        numbers = _points(shape)
        if "node" in group.get("class", "").split():
            ys = [ty + n for n in numbers[1::2]]
            solids.append((min(ys), max(ys)))
        if ident.startswith("step."):
            headings_bottom = max(headings_bottom, ty + max(numbers[1::2]))
            columns.append((tx + min(numbers[0::2]), tx + max(numbers[0::2])))
        elif ident.startswith(_BANDS):
            ys = [ty + n for n in numbers[1::2]]
            bands.append((min(ys), max(ys)))
    sizes = []
    for text in graph.iter(f"{_NS}text"):
        size = float(text.get("font-size", "10"))
        baseline = ty + float(text.get("y", "0"))
        solids.append((baseline - size, baseline + size * 0.3))
        sizes.append(size)
    return Geometry(width, height, min_x, min_y, headings_bottom, tuple(sorted(bands)), tuple(solids),
                    min(sizes, default=10.0), tuple(sorted(columns)))


def _extent(group: ET.Element, ty: float) -> tuple[float, float]:
    """The vertical extent (top-down) of everything drawn in `group`."""
    ys: list[float] = []
    for element in group.iter():
        tag = element.tag.removeprefix(_NS)
        if tag in ("polygon", "polyline", "path"):
            ys += _points(element)[1::2]
        elif tag == "text":
            size = float(element.get("font-size", "10"))
            ys += [float(element.get("y", "0")) - size, float(element.get("y", "0")) + size * 0.3]
        elif tag == "ellipse":
            cy, ry = float(element.get("cy", "0")), float(element.get("ry", "0"))
            ys += [cy - ry, cy + ry]
    return (ty + min(ys), ty + max(ys)) if ys else (0.0, 0.0)


def crop(svg: bytes, geo: Geometry, top: float, bottom: float) -> bytes:
    """The picture cut to the horizontal strip from `top` to `bottom` (top-down units).

    Groups wholly outside the strip are left out, so the strip costs only what it shows to draw.
    """
    ET.register_namespace("", _NS[1:-1])
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    root = ET.fromstring(svg)
    graph = root.find(f"{_NS}g")
    assert graph is not None
    ty = _translate(graph)[1]
    for group in graph.findall(f"{_NS}g"):
        low, high = _extent(group, ty)
        if high < top - 1 or low > bottom + 1:
            graph.remove(group)
    root.set("width", f"{geo.width:.2f}pt")
    root.set("height", f"{bottom - top:.2f}pt")
    root.set("viewBox", f"{geo.min_x:.2f} {geo.min_y + top:.2f} {geo.width:.2f} {bottom - top:.2f}")
    return ET.tostring(root, encoding="utf-8")


_PAIR = re.compile(r"(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)")
Anchors = list[tuple[float, float]]     # (position, where it moves), in increasing order


def _piecewise(anchors: Anchors) -> Callable[[float], float]:
    """The map through `anchors`, straight between them, shifted like the last one beyond it."""
    points = [(0.0, 0.0)] + anchors
    keys = [at for at, _ in points]

    def moved(at: float) -> float:
        index = bisect_right(keys, at) - 1
        if index < 0:
            return at
        (a0, b0) = points[index]
        if index == len(points) - 1 or points[index + 1][0] - a0 < 1e-6:
            return at + b0 - a0
        a1, b1 = points[index + 1]
        return b0 + (at - a0) * (b1 - b0) / (a1 - a0)
    return moved


def _band_anchors(geo: Geometry, extra: float) -> Anchors:
    """`extra` points shared among the bands below the headings, each in proportion to its height and added half
    above and half below what it holds: boxes and text move whole, gaps and lines grow."""
    below = [(top, bottom) for top, bottom in geo.bands if top >= geo.header_bottom - 0.5]
    total = sum(bottom - top for top, bottom in below) or 1.0
    anchors: Anchors = []
    shift = 0.0
    for top, bottom in below:
        inside = [(low, high) for low, high in geo.solids if top - 0.5 <= low and high <= bottom + 0.5]
        held = (min(low for low, _ in inside), max(high for _, high in inside)) if inside else ((top + bottom) / 2,) * 2
        grow = extra * (bottom - top) / total
        anchors += [(top, top + shift), (held[0], held[0] + shift + grow / 2), (held[1], held[1] + shift + grow / 2),
                    (bottom, bottom + shift + grow)]
        shift += grow
    return anchors


def _column_anchors(geo: Geometry, extra: float) -> Anchors:
    """`extra` points shared among the gutters beside the step columns (half a share before the first and after
    the last): every column moves whole."""
    columns = list(geo.columns)
    gaps = [left - right for (_, right), (left, _) in zip(columns, columns[1:])]
    inset = 0.0 if min(gaps, default=1.0) >= 1.0 else 1.0       # columns that touch still leave a gutter to grow
    share = extra / len(columns)
    anchors: Anchors = [(columns[0][0] + inset - 0.5, columns[0][0] + inset - 0.5)]
    for index, (left, right) in enumerate(columns):
        shift = share * (index + 0.5)
        anchors += [(left + inset, left + inset + shift), (right - inset, right - inset + shift)]
    end = columns[-1][1] - inset + 0.5
    return anchors + [(end, end + extra)]


def stretch(svg: bytes, geo: Geometry, taller: float, wider: float = 0.0) -> bytes:
    """The picture `taller` points taller, its lanes or rows below the headings grown to take the room, and
    `wider` points wider, its gutters between the step columns grown (text keeps its size and shape)."""
    taller = taller if taller > 0.5 and geo.bands else 0.0
    wider = wider if wider > 0.5 and geo.columns else 0.0
    if not taller and not wider:
        return svg
    down = _piecewise(_band_anchors(geo, taller)) if taller else float
    across = _piecewise(_column_anchors(geo, wider)) if wider else float
    ET.register_namespace("", _NS[1:-1])
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    root = ET.fromstring(svg)
    graph = root.find(f"{_NS}g")
    assert graph is not None
    tx, ty = _translate(graph)

    def move(element: ET.Element, across: Callable[[float], float], down: Callable[[float], float]) -> None:
        def pair(match: re.Match[str]) -> str:
            return f"{across(tx + float(match.group(1))) - tx:.2f},{down(ty + float(match.group(2))) - ty:.2f}"
        for name in ("points", "d"):
            if element.get(name):
                element.set(name, _PAIR.sub(pair, element.get(name, "")))
        for name, axis, offset in (("x", across, tx), ("cx", across, tx), ("y", down, ty), ("cy", down, ty)):
            if element.get(name) is not None:
                element.set(name, f"{axis(offset + float(element.get(name, '0'))) - offset:.2f}")

    for group in graph.iter(f"{_NS}g"):
        shapes = [element for element in group if element.tag != f"{_NS}g"]
        points = [n for element in shapes if element.tag != f"{_NS}text" for n in _points(element)]
        spans = group.get("id", "").startswith("stage.")       # a stage heading spans its columns
        if "node" not in (group.get("class") or "").split() or spans or not points:
            for element in shapes:
                move(element, across, down)
            continue
        # any other box, tag, badge or label moves whole, by where its centre goes
        cx = tx + (min(points[0::2]) + max(points[0::2])) / 2
        cy = ty + (min(points[1::2]) + max(points[1::2])) / 2
        right, lower = partial(add, across(cx) - cx), partial(add, down(cy) - cy)
        for element in shapes:
            move(element, right, lower)
    min_x, min_y, width, height = (float(n) for n in root.get("viewBox", "0 0 0 0").split())
    root.set("width", f"{width + wider:.2f}pt")
    root.set("height", f"{height + taller:.2f}pt")
    root.set("viewBox", f"{min_x:.2f} {min_y:.2f} {width + wider:.2f} {height + taller:.2f}")
    return ET.tostring(root, encoding="utf-8")

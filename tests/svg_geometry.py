"""Geometry of Graphviz SVG by element id, for the render tests (SVG coordinates: y grows downwards)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

SVG = "{http://www.w3.org/2000/svg}"
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


@dataclass(frozen=True)
class Rect:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def cx(self) -> float:
        return (self.left + self.right) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def width(self) -> float:
        return self.right - self.left

    def overlaps(self, other: Rect, slack: float = 0.5) -> bool:
        return (self.left < other.right - slack and other.left < self.right - slack
                and self.top < other.bottom - slack and other.top < self.bottom - slack)

    def contains(self, other: Rect, slack: float = 0.5) -> bool:
        return (self.left - slack <= other.left and other.right <= self.right + slack
                and self.top - slack <= other.top and other.bottom <= self.bottom + slack)


def _points(element: ET.Element) -> list[tuple[float, float]]:
    tag = element.tag.removeprefix(SVG)
    if tag in ("polygon", "polyline"):
        numbers = [float(n) for n in _NUMBER.findall(element.get("points", ""))]
    elif tag == "path":
        numbers = [float(n) for n in _NUMBER.findall(element.get("d", ""))]
    elif tag == "ellipse":
        cx, cy = float(element.get("cx", 0)), float(element.get("cy", 0))
        rx, ry = float(element.get("rx", 0)), float(element.get("ry", 0))
        numbers = [cx - rx, cy - ry, cx + rx, cy + ry]
    else:
        return []
    return list(zip(numbers[::2], numbers[1::2]))


class Picture:
    """An SVG made by Graphviz: its groups by id, with shapes, texts and bounding boxes."""

    def __init__(self, svg: bytes) -> None:
        self.root = ET.fromstring(svg)
        self.groups = {g.get("id"): g for g in self.root.iter(f"{SVG}g") if g.get("id")}

    def ids(self, prefix: str) -> list[str]:
        return [key for key in self.groups if key.startswith(prefix)]

    def shape_points(self, ident: str) -> list[tuple[float, float]]:
        return [p for element in self.groups[ident] for p in _points(element)]

    def rect(self, ident: str) -> Rect:
        """Bounding box of the group's drawn shapes (not its text)."""
        points = self.shape_points(ident)
        assert points, f"{ident} has no shape"
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        return Rect(min(xs), min(ys), max(xs), max(ys))

    def path(self, ident: str) -> list[tuple[float, float]]:
        """The points of an edge's path (for ortho and straight edges, the corners of its polyline)."""
        element = self.groups[ident].find(f"{SVG}path")
        assert element is not None, f"{ident} has no path"
        return _points(element)

    def texts(self, ident: str | None = None) -> list[ET.Element]:
        root = self.root if ident is None else self.groups[ident]
        return list(root.iter(f"{SVG}text"))

    def text(self, ident: str | None = None) -> str:
        return " ".join("".join(t.itertext()) for t in self.texts(ident))

    def classes(self, name: str) -> list[str]:
        return [key for key, g in self.groups.items() if name in (g.get("class") or "").split()]


def segment_crosses(a: tuple[float, float], b: tuple[float, float], box: Rect, inset: float = 1.0) -> bool:
    """Whether the axis-parallel or slanted segment a-b passes through the inside of `box`."""
    left, top, right, bottom = box.left + inset, box.top + inset, box.right - inset, box.bottom - inset
    steps = 20
    for i in range(steps + 1):
        x = a[0] + (b[0] - a[0]) * i / steps
        y = a[1] + (b[1] - a[1]) * i / steps
        if left < x < right and top < y < bottom:
            return True
    return False


def overlapping_pairs(rects: dict[str, Rect], slack: float = 0.5) -> list[tuple[str, str]]:
    """Every pair of rectangles that overlap, by a sweep over x."""
    order = sorted(rects.items(), key=lambda item: item[1].left)
    pairs = []
    active: list[tuple[str, Rect]] = []
    for key, rect in order:
        active = [(k, r) for k, r in active if r.right - slack > rect.left]
        pairs += [(k, key) for k, r in active if r.overlaps(rect, slack)]
        active.append((key, rect))
    return pairs


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (asserting the signature)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def check_blueprint(service: object, svg: bytes) -> Picture:
    """Assert the blueprint's geometry contract for `service` (a blueprint.model.Service) on `svg`."""
    pic = Picture(svg)
    lanes = [pic.rect(f"lane.{lane.id}") for lane in service.lanes]
    for upper, lower in zip(lanes, lanes[1:]):
        assert upper.top < lower.top, "lane bands out of order"
        assert abs(upper.bottom - lower.top) < 1, "lane bands not adjacent"
    left, right = lanes[0].left, lanes[0].right
    assert all(abs(r.left - left) < 1 and abs(r.right - right) < 1 for r in lanes), "lanes not full width"
    boxes: dict[str, Rect] = {}
    xs = []
    for step in service.steps:
        heading = pic.rect(f"step.{step.id}")
        for action in step.actions:
            ident = f"a.{step.id}.{action.lane}"
            rect = pic.rect(ident)
            boxes[ident] = rect
            lane = lanes[[lane.id for lane in service.lanes].index(action.lane)]
            assert lane.contains(rect), f"{ident} outside its lane band"
            assert rect.left < heading.right and heading.left < rect.right, f"{ident} not under its step"
            assert abs(rect.cx - heading.cx) < 1, f"{ident} not centred in its column"
            assert left < rect.left and rect.right < right
        xs.append(heading.cx)
    assert xs == sorted(xs) and len(set(xs)) == len(xs), "steps not left to right"
    for stage in service.stages:
        rect = pic.rect(f"stage.{stage.id}")
        first, last = pic.rect(f"step.{stage.steps[0].id}"), pic.rect(f"step.{stage.steps[-1].id}")
        assert rect.left <= first.left + 1 and last.right - 1 <= rect.right, f"stage {stage.id} does not span"
    for line in service.lines:
        ident = f"line.{line.name.value}"
        points = pic.path(ident)
        ys = {round(y, 1) for _, y in points}
        assert len(ys) == 1, f"{ident} not horizontal"
        y = ys.pop()
        above = lanes[[lane.id for lane in service.lanes].index(line.above)]
        below = lanes[[lane.id for lane in service.lanes].index(line.below)]
        assert abs(above.bottom - y) < 1 and abs(below.top - y) < 1, f"{ident} not between its lanes"
        assert min(x for x, _ in points) <= left + 1 and max(x for x, _ in points) >= right - 1, f"{ident} short"
    expected = {f"fail.{a.step}.{a.lane}" for s in service.steps for a in s.actions if a.fail}
    expected |= {f"wait.{s.id}" for s in service.steps if s.wait}
    expected |= {f"pain.{s.id}" for s in service.steps if s.pains}
    markers = set(pic.ids("fail.") + pic.ids("wait.") + pic.ids("pain."))
    assert markers == expected, f"markers differ: {markers ^ expected}"
    solid = {**boxes, **{m: pic.rect(m) for m in markers}}
    solid.update({i: pic.rect(i) for i in pic.ids("step.") + pic.ids("stage.")})
    solid.update({i: pic.rect(i) for i in pic.ids("line.") if i.endswith(".label")})
    assert overlapping_pairs(solid) == [], "boxes overlap"
    for ident in boxes:
        rect = boxes[ident]
        for t in pic.texts(ident):
            if t.get("text-anchor") == "start":
                x = float(t.get("x", 0))
                assert x >= rect.left + 1, f"text overflows {ident} on the left"
                assert 2 * rect.cx - x <= rect.right - 1, f"text overflows {ident} on the right"
    labels = {i: pic.rect(i) for i in pic.ids("flow.") if i.endswith(".label")}
    assert overlapping_pairs({**boxes, **labels}, slack=1.0) == [], "a flow label covers an action or a label"
    obstacles = sorted(solid.items(), key=lambda item: item[1].left)
    for ident in pic.classes("flow"):
        if ident.startswith("legend."):
            continue
        path = pic.path(ident)
        lo, hi = min(x for x, _ in path), max(x for x, _ in path)
        for a, b in zip(path, path[1:]):
            for name, rect in obstacles:
                if rect.right < lo or rect.left > hi:
                    continue
                assert not segment_crosses(a, b, rect), f"{ident} passes through {name}"
    return pic

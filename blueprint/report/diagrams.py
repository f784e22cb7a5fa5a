"""The diagrams laid out on paper: split at stage (then step) boundaries to stay legible, tall ones cut between
lanes."""
from __future__ import annotations

import base64
import math
from dataclasses import dataclass, replace

from ..graphviz import run_dot
from ..i18n import label
from ..model import Service, Stage
from ..render import Marks, legend_items, render
from ..render.blueprint_view import GRAPH
from ..render.dot import Canvas
from ..render.legend import draw_legend, legend_size
from .paper import MIN_TEXT_PT, Paper
from .svgcut import Geometry, crop, geometry

MAX_SCALE = 1.0
LEGEND_GAP = 3.0        # points between the legend and the first figure (report.css agrees)
BELOW_BANDS = 4.0       # room kept under the last lane (row) when the legend is cut off


@dataclass(frozen=True)
class Image:
    """A picture for an `<img>`: its data URL and its size on paper (points)."""

    src: str
    width: float
    height: float


@dataclass(frozen=True)
class Section:
    """A diagram on paper: its legend (once, above the first figure) and its figures."""

    legend: Image | None
    tiles: tuple[Tile, ...]


@dataclass(frozen=True)
class Tile:
    """What one figure shows: one or two stacked pictures (repeated headings, then a strip)."""

    images: tuple[Image, ...]
    stages: tuple[str, ...]        # the stage titles it covers
    part: int
    parts: int

    @property
    def continued(self) -> bool:
        return self.part > 1

    @property
    def continues(self) -> bool:
        return self.part < self.parts


def _image(svg: bytes, width: float, height: float, scale: float) -> Image:
    src = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    return Image(src, math.ceil(width * scale * 100) / 100, math.ceil(height * scale * 100) / 100)


Chunk = tuple[Stage, bool]       # a stage (perhaps only some of its steps), and whether it goes on from a part before


def _chunks(service: Service, per_part: int) -> list[list[Chunk]]:
    """Steps packed into parts of at most `per_part` columns, breaking at stage boundaries where a stage fits."""
    parts: list[list[Chunk]] = [[]]
    used = 0
    for stage in service.stages:
        steps = stage.steps
        if used and used + len(steps) > per_part:
            parts.append([])
            used = 0
        first = True
        while steps:
            room = per_part - used
            taken, steps = steps[:room], steps[room:]
            parts[-1].append((replace(stage, steps=taken), not first))
            used += len(taken)
            first = False
            if steps:
                parts.append([])
                used = 0
    return parts


def _sub_service(service: Service, chunks: list[Chunk]) -> Service:
    """Only the steps of `chunks`, with the flows among them; a stage going on from before says so."""
    continued = label(service.lang, "continued")
    stages = tuple(replace(stage, title=f"{stage.title} ({continued})") if cont else stage for stage, cont in chunks)
    kept = {step.id for stage in stages for step in stage.steps}
    flows = tuple(flow for flow in service.flows if flow.source.step in kept and flow.target.step in kept)
    return replace(service, stages=stages, flows=flows)


def _legend(service: Service, view: str, page: Paper, scale: float, marks: Marks | None) -> Image | None:
    """The renderer's legend for the whole `view`, laid out as wide as the page allows."""
    keys = legend_items(service, view, marks)
    if not keys:
        return None
    width, height = legend_size(keys, service.lang, page.content_width / scale - 8)
    canvas = Canvas(width + 8, height + 1, {**GRAPH, "pad": 0})
    canvas.anchor(0, 0)
    canvas.anchor(canvas.width, canvas.height)
    draw_legend(canvas, keys, service.lang, 7, 0.5, width)
    svg = run_dot(canvas.source("legend"), "svg")
    drawn = geometry(svg)  # Graphviz's margin makes the picture larger than the canvas, and rounds its size
    return _image(crop(svg, drawn, 0, drawn.height), drawn.width, drawn.height,
                  max(scale, MIN_TEXT_PT / drawn.smallest_font))


def _strips(geo: Geometry, bottom: float, scale: float, room: float) -> list[tuple[float, float]]:
    """Vertical ranges down to `bottom`, cut between lanes (rows), each fitting `room` points with the headings."""
    limit = room / scale - geo.header_bottom
    cuts = [geo.cut_near(edge) for _, edge in geo.bands[:-1] if edge > geo.header_bottom]
    strips: list[tuple[float, float]] = []
    top = previous = geo.header_bottom
    for cut in cuts + [bottom]:
        if cut - top > limit and previous > top:
            strips.append((top, previous))
            top = previous
        previous = cut
    strips.append((top, bottom))
    return strips


def _body_bottom(geo: Geometry) -> float:
    """Where the picture ends without its own legend."""
    return min(geo.height, geo.bands[-1][1] + BELOW_BANDS) if geo.bands else geo.height


def _tiles_of(svg: bytes, geo: Geometry, scale: float, room: float) -> list[tuple[Image, ...]]:
    """The part without its own legend: one picture when it fits, else the headings plus one strip per tile."""
    bottom = _body_bottom(geo)
    if bottom * scale <= room or not geo.bands:
        return [(_image(crop(svg, geo, 0, bottom), geo.width, bottom, scale),)]
    head = geo.header_bottom
    tiles: list[tuple[Image, ...]] = []
    for index, (top, end) in enumerate(_strips(geo, bottom, scale, room)):
        if index == 0:
            tiles.append((_image(crop(svg, geo, 0, end), geo.width, end, scale),))
        else:
            tiles.append((_image(crop(svg, geo, 0, head), geo.width, head, scale),
                          _image(crop(svg, geo, top, end), geo.width, end - top, scale)))
    return tiles


def _scale(geo: Geometry, page: Paper, room: float) -> float:
    """As large as fits `room`, up to natural size, but never so small that text falls under MIN_TEXT_PT."""
    fit = min(MAX_SCALE, page.content_width / geo.width, room / _body_bottom(geo))
    return max(fit, MIN_TEXT_PT / geo.smallest_font)


def _parts(service: Service, view: str, page: Paper, whole: bytes, geo: Geometry,
           marks: Marks | None) -> list[tuple[bytes, Geometry, list[Chunk]]]:
    """The pictures to place: the whole one when it fits the width, else one per group of stages (or steps)."""
    floor = MIN_TEXT_PT / geo.smallest_font
    if geo.width * floor <= page.content_width + 0.5:
        return [(whole, geo, [(stage, False) for stage in service.stages])]
    pitch, fixed = geo.pitch_and_fixed()
    per_part = max(1, int((page.content_width / floor - fixed) // pitch))
    while True:
        parts = []
        for chunks in _chunks(service, per_part):
            svg = render(_sub_service(service, chunks), view, "svg", whole=service, marks=marks)
            part_geo = geometry(svg)
            if part_geo.width * floor > page.content_width + 0.5 and per_part > 1:
                break           # wider than estimated: pack again, one column fewer
            parts.append((svg, part_geo, chunks))
        else:
            return parts
        per_part -= 1


def section(service: Service, view: str, page: Paper, marks: Marks | None = None) -> Section:
    """`view` of `service` laid out on `page` (with a comparison's `marks`): its legend and its figures, in order."""
    whole = render(service, view, "svg", marks=marks)
    geo = geometry(whole)
    legend = _legend(service, view, page, MIN_TEXT_PT / geo.smallest_font, marks)
    figures: list[tuple[tuple[Image, ...], list[str]]] = []
    for svg, part_geo, chunks in _parts(service, view, page, whole, geo, marks):
        room = page.figure_height - (legend.height + LEGEND_GAP if legend and not figures else 0)
        figures += [(images, [stage.title for stage, _ in chunks])
                    for images in _tiles_of(svg, part_geo, _scale(part_geo, page, room), room)]
    return Section(legend, tuple(Tile(images, tuple(titles), number, len(figures))
                                 for number, (images, titles) in enumerate(figures, start=1)))

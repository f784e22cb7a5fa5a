"""The diagrams laid out on paper: split at stage (then step) boundaries to stay legible, tall ones cut between lanes."""
from __future__ import annotations

import base64
from dataclasses import dataclass, replace

from ..i18n import label
from ..model import Service, Stage
from ..render import render
from .paper import MIN_TEXT_PT, Paper
from .svgcut import Geometry, crop, geometry

MAX_SCALE = 1.0


@dataclass(frozen=True)
class Image:
    """A picture for an `<img>`: its data URL and its size on paper (points)."""

    src: str
    width: float
    height: float


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
    return Image(src, round(width * scale, 2), round(height * scale, 2))


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


def _strips(geo: Geometry, scale: float, room: float) -> list[tuple[float, float]]:
    """Vertical ranges below the headings, each cut between lanes (rows) and fitting `room` points with the headings."""
    limit = room / scale - geo.header_bottom
    cuts = [geo.cut_near(bottom) for _, bottom in geo.bands[:-1] if bottom > geo.header_bottom]
    strips: list[tuple[float, float]] = []
    top = geo.header_bottom
    previous = top
    for cut in cuts + [geo.height]:
        if cut - top > limit and previous > top:
            strips.append((top, previous))
            top = previous
        previous = cut
    strips.append((top, geo.height))
    return strips


def _tiles_of(svg: bytes, geo: Geometry, scale: float, room: float) -> list[tuple[Image, ...]]:
    """One picture when it fits the height, else the headings plus one strip per tile."""
    if geo.height * scale <= room or not geo.bands:
        return [(_image(svg, geo.width, geo.height, scale),)]
    head = geo.header_bottom
    tiles = []
    for index, (top, bottom) in enumerate(_strips(geo, scale, room)):
        if index == 0:
            tiles.append((_image(crop(svg, geo, 0, bottom), geo.width, bottom, scale),))
        else:
            tiles.append((_image(crop(svg, geo, 0, head), geo.width, head, scale),
                          _image(crop(svg, geo, top, bottom), geo.width, bottom - top, scale)))
    return tiles


def _scale(geo: Geometry, page: Paper) -> float:
    """As large as fits, up to natural size, but never so small that text falls under MIN_TEXT_PT."""
    fit = min(MAX_SCALE, page.content_width / geo.width, page.figure_height / geo.height)
    return max(fit, MIN_TEXT_PT / geo.smallest_font)


def tiles(service: Service, view: str, page: Paper) -> list[Tile]:
    """The figures showing `view` of `service` on `page`, in order."""
    whole = render(service, view, "svg")
    geo = geometry(whole)
    floor = MIN_TEXT_PT / geo.smallest_font
    if geo.width * _scale(geo, page) <= page.content_width + 0.5:
        parts = [(whole, geo, [(stage, False) for stage in service.stages])]
    else:
        pitch, fixed = geo.pitch_and_fixed()
        packing = max(floor, min(MAX_SCALE, page.figure_height / geo.height))
        per_part = max(1, int((page.content_width / packing - fixed) // pitch))
        parts = []
        while not parts:
            for chunks in _chunks(service, per_part):
                svg = render(_sub_service(service, chunks), view, "svg")
                part_geo = geometry(svg)
                if part_geo.width * floor > page.content_width + 0.5 and per_part > 1:
                    per_part -= 1       # wider than the estimate: pack again, one column fewer
                    parts = []
                    break
                parts.append((svg, part_geo, chunks))
    figures = [(images, [stage.title for stage, _ in chunks])
               for svg, part_geo, chunks in parts
               for images in _tiles_of(svg, part_geo, _scale(part_geo, page), page.figure_height)]
    return [Tile(images, tuple(titles), number, len(figures))
            for number, (images, titles) in enumerate(figures, start=1)]

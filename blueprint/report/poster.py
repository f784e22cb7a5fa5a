"""The wall poster: one diagram on one big landscape sheet with a title block, or that sheet cut into overlapping
office-paper tiles with crop marks and an assembly map; made through the report's HTML-to-PDF path."""
from __future__ import annotations

import base64
import math
from dataclasses import dataclass, replace

from markupsafe import Markup

from ..api import Document
from ..findings import UsageError
from ..render import VIEWS, render
from .paper import MM
from .pdf import html_to_pdf
from .svgcut import geometry
from .template import asset, environment

SHEETS: dict[str, tuple[float, float]] = {      # landscape width, height (points)
    "a0": (1189 * MM, 841 * MM),
    "a1": (841 * MM, 594 * MM),
    "a2": (594 * MM, 420 * MM),
    "a3": (420 * MM, 297 * MM),
    "a4": (297 * MM, 210 * MM),
}
TILE_PAPERS = ("a4", "a3")
MIN_POSTER_PT = 5.0          # text on the wall is never smaller
SHEET_MARGIN = 10 * MM
TITLE_H = 46.0               # the title block above the diagram
TILE_MARGIN = 8 * MM         # room for crop marks and the tile's name, outside the poster's area on a tile
OVERLAP = 10 * MM            # each tile repeats this much of its neighbours, to glue


@dataclass(frozen=True)
class Tile:
    name: str                # "A1": row letter, column number
    row: int
    column: int
    x: float                 # the part of the sheet it shows, in sheet points
    y: float


@dataclass(frozen=True)
class Layout:
    sheet_w: float
    sheet_h: float
    scale: float
    diagram_w: float         # on the sheet, points
    diagram_h: float
    smallest_pt: float


def _fit(width: float, height: float, smallest: float, paper: str) -> Layout:
    sheet_w, sheet_h = SHEETS[paper]
    scale = min((sheet_w - 2 * SHEET_MARGIN) / width, (sheet_h - 2 * SHEET_MARGIN - TITLE_H) / height)
    return Layout(sheet_w, sheet_h, scale, width * scale, height * scale, smallest * scale)


def fit_paper(width: float, height: float, smallest: float, paper: str) -> Layout:
    """The layout on `paper`; exit 2 naming the smallest paper that keeps text at MIN_POSTER_PT or more."""
    layout = _fit(width, height, smallest, paper)
    if layout.smallest_pt >= MIN_POSTER_PT:
        return layout
    fitting = next((name for name in reversed(SHEETS) if _fit(width, height, smallest, name).smallest_pt
                    >= MIN_POSTER_PT), None)
    advice = (f"use --paper {fitting} (the smallest that fits), or --paper {fitting} --tile a4 to print it on "
              "office paper" if fitting else "no paper up to A0 fits it; split the service by stage")
    raise UsageError(f"on {paper.upper()} the smallest text would be {layout.smallest_pt:.1f} pt "
                     f"(under {MIN_POSTER_PT:g} pt): {advice}")


def tiles(sheet_w: float, sheet_h: float, paper: str) -> tuple[float, float, list[Tile]]:
    """The tiles of paper `paper` (the orientation that needs fewer) covering the sheet with OVERLAP between
    neighbours: the printable width and height of a tile, and the tiles row by row."""
    short, long = SHEETS[paper][1], SHEETS[paper][0]
    options = []
    for page_w, page_h in ((long, short), (short, long)):
        area_w, area_h = page_w - 2 * TILE_MARGIN, page_h - 2 * TILE_MARGIN
        columns = max(1, math.ceil((sheet_w - OVERLAP) / (area_w - OVERLAP)))
        rows = max(1, math.ceil((sheet_h - OVERLAP) / (area_h - OVERLAP)))
        options.append((rows * columns, page_w, page_h, area_w, area_h, rows, columns))
    _, page_w, page_h, area_w, area_h, rows, columns = min(options)
    grid = [Tile(f"{chr(ord('A') + row)}{column + 1}", row, column,
                 column * (area_w - OVERLAP), row * (area_h - OVERLAP))
            for row in range(rows) for column in range(columns)]
    return page_w, page_h, grid


def poster(document: Document, view: str = "blueprint", paper: str = "a1", tile: str | None = None,
           date: str | None = None) -> bytes:
    """The PDF poster of a valid checked file."""
    if view not in VIEWS:
        raise UsageError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")
    if paper not in SHEETS:
        raise UsageError(f"unknown paper {paper!r}; choose one of {', '.join(SHEETS)}")
    if tile is not None and tile not in TILE_PAPERS:
        raise UsageError(f"unknown tile paper {tile!r}; choose one of {', '.join(TILE_PAPERS)}")
    if document.service is None:
        raise UsageError("cannot make a poster of an invalid file", file=document.file)
    from . import report_date

    svg = render(document.service, view, "svg")
    geo = geometry(svg)
    layout = fit_paper(geo.width, geo.height, geo.smallest_font, paper)
    src = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    if tile:     # only the part of the sheet the poster uses is cut into tiles: no blank pages
        layout = replace(layout, sheet_w=min(layout.sheet_w, layout.diagram_w + 2 * SHEET_MARGIN),
                         sheet_h=min(layout.sheet_h, layout.diagram_h + TITLE_H + 2 * SHEET_MARGIN))
    page_w, page_h, grid = tiles(layout.sheet_w, layout.sheet_h, tile) if tile else (0.0, 0.0, [])
    html = environment().from_string(asset("poster.html.j2")).render(
        css=Markup(asset("poster.css")), title=document.service.title, date=report_date(date),
        lang=document.service.lang, paper=paper.upper(), src=src, layout=layout, margin=SHEET_MARGIN,
        title_h=TITLE_H, tiles=grid, page_w=page_w, page_h=page_h, tile_margin=TILE_MARGIN, overlap=OVERLAP,
        tile_paper=(tile or "").upper())
    return html_to_pdf(html)

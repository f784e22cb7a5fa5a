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
TILE_SCALE = (0.85, 1.15)    # a tiled poster may be this much smaller or larger than on its sheet, to fill its tiles


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
    left: float = 0.0        # where the title block and diagram start on the sheet, past SHEET_MARGIN
    top: float = 0.0

    @property
    def content_w(self) -> float:
        """The width the poster's drawing takes on the sheet, margins included."""
        return self.diagram_w + 2 * SHEET_MARGIN

    @property
    def content_h(self) -> float:
        return self.diagram_h + TITLE_H + 2 * SHEET_MARGIN


def _fit(width: float, height: float, smallest: float, paper: str) -> Layout:
    """The diagram scaled to fit the sheet, title block above it, the two centred on the sheet."""
    sheet_w, sheet_h = SHEETS[paper]
    scale = min((sheet_w - 2 * SHEET_MARGIN) / width, (sheet_h - 2 * SHEET_MARGIN - TITLE_H) / height)
    fitted = Layout(sheet_w, sheet_h, scale, width * scale, height * scale, smallest * scale)
    return replace(fitted, left=(sheet_w - fitted.content_w) / 2, top=(sheet_h - fitted.content_h) / 2)


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


def _needed(length: float, step: float) -> int:
    """Tiles in a row (or column) that cover `length` when each advances by `step` (its width less OVERLAP)."""
    return max(1, math.ceil((length - OVERLAP) / step - 1e-9))


def _covered(start: float, length: float, span: float, count: int, step: float) -> float:
    """The least share of a tile that the drawing from `start`, `length` long, covers, of `count` tiles."""
    return min(max(0.0, min(start + length, k * step + span) - max(start, k * step)) / span for k in range(count))


def tiled(layout: Layout, paper: str) -> tuple[Layout, float, float, list[Tile]]:
    """The poster of `layout` cut into tiles of `paper`, OVERLAP apart: of both orientations and every grid that
    holds the poster scaled within TILE_SCALE (text never under MIN_POSTER_PT), the fewest tiles, then the one whose
    least covered tile is fullest, then the scale nearest 1. The poster is scaled to the grid's width or height and
    centred on it, so no row or column of tiles is a sliver. Returns the layout on the grid's sheet, the page's
    width and height, and the tiles row by row."""
    lowest = max(TILE_SCALE[0], MIN_POSTER_PT / layout.smallest_pt)
    chrome_w, chrome_h = layout.content_w - layout.diagram_w, layout.content_h - layout.diagram_h
    short, long = SHEETS[paper][1], SHEETS[paper][0]
    options = []
    for page_w, page_h in ((long, short), (short, long)):
        area_w, area_h = page_w - 2 * TILE_MARGIN, page_h - 2 * TILE_MARGIN
        step_w, step_h = area_w - OVERLAP, area_h - OVERLAP
        columns = range(_needed(layout.diagram_w * lowest + chrome_w, step_w),
                        _needed(layout.diagram_w + chrome_w, step_w) + 1)
        rows = range(_needed(layout.diagram_h * lowest + chrome_h, step_h),
                     _needed(layout.diagram_h + chrome_h, step_h) + 1)
        for c in columns:
            for r in rows:
                sheet_w, sheet_h = c * step_w + OVERLAP, r * step_h + OVERLAP
                scale = min(TILE_SCALE[1], (sheet_w - chrome_w) / layout.diagram_w,
                            (sheet_h - chrome_h) / layout.diagram_h)
                if scale < lowest - 1e-9:
                    continue
                w, h = layout.diagram_w * scale + chrome_w, layout.diagram_h * scale + chrome_h
                left, top = (sheet_w - w) / 2, (sheet_h - h) / 2
                cover = _covered(left, w, area_w, c, step_w) * _covered(top, h, area_h, r, step_h)
                fitted = Layout(sheet_w, sheet_h, layout.scale * scale, layout.diagram_w * scale,
                                layout.diagram_h * scale, layout.smallest_pt * scale, left, top)
                options.append(((c * r, -round(cover, 4), round(abs(scale - 1), 4)), fitted, page_w, page_h, r, c))
    _, fitted, page_w, page_h, rows_n, columns_n = min(options, key=lambda option: option[0])
    step_w, step_h = page_w - 2 * TILE_MARGIN - OVERLAP, page_h - 2 * TILE_MARGIN - OVERLAP
    grid = [Tile(f"{chr(ord('A') + row)}{column + 1}", row, column, column * step_w, row * step_h)
            for row in range(rows_n) for column in range(columns_n)]
    return fitted, page_w, page_h, grid


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
    page_w, page_h, grid, nominal = 0.0, 0.0, list[Tile](), layout.scale
    if tile:     # only the poster's drawing is cut into tiles, scaled and centred to fill them
        layout, page_w, page_h, grid = tiled(layout, tile)
    html = environment().from_string(asset("poster.html.j2")).render(
        css=Markup(asset("poster.css")), title=document.service.title, date=report_date(date),
        lang=document.service.lang, paper=paper.upper(), src=src, layout=layout, margin=SHEET_MARGIN,
        title_h=TITLE_H, tiles=grid, page_w=page_w, page_h=page_h, tile_margin=TILE_MARGIN, overlap=OVERLAP,
        tile_paper=(tile or "").upper(), percent=round(100 * layout.scale / nominal))
    return html_to_pdf(html)

"""Poster tiles: the grid, scale and centring that leave no tile a sliver (against hand-computed layouts and over a
sweep of poster shapes), and every tile of real tiled PDFs holding a fair share of the drawing (ink per page)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from blueprint.report.poster import (MIN_POSTER_PT, OVERLAP, SHEET_MARGIN, SHEETS, TILE_MARGIN, TILE_SCALE, TITLE_H,
                                     Layout, Tile, _fit, tiled)
from support import ROOT, SAMPLES, run_cli

sys.path.insert(0, str(ROOT / "bench"))
from bench_report import ink  # noqa: E402

MM = 72 / 25.4
A4_W, A4_H = 297 * MM, 210 * MM
AREA_W, AREA_H = A4_W - 16 * MM, A4_H - 16 * MM          # a landscape A4 tile inside its 8 mm margins
STEP_W = AREA_W - 10 * MM                                 # each tile starts 10 mm before its neighbour ends
CHROME_W, CHROME_H = 20 * MM, 20 * MM + 46                # the sheet's margins and the title block


def layout(diagram_w: float, diagram_h: float, smallest_pt: float) -> Layout:
    return Layout(0.0, 0.0, 1.0, diagram_w, diagram_h, smallest_pt)


def coverage(fitted: Layout, page_w: float, page_h: float, grid: list[Tile]) -> list[float]:
    """The share of each tile's printable area that the poster (title block, diagram, margins) covers."""
    area_w, area_h = page_w - 2 * TILE_MARGIN, page_h - 2 * TILE_MARGIN
    x0, y0 = fitted.left, fitted.top
    x1, y1 = x0 + fitted.content_w, y0 + fitted.content_h
    return [max(0.0, min(x1, t.x + area_w) - max(x0, t.x)) / area_w *
            max(0.0, min(y1, t.y + area_h) - max(y0, t.y)) / area_h for t in grid]


def test_constants_are_the_documented_ones() -> None:
    assert (OVERLAP, TILE_MARGIN, SHEET_MARGIN, TITLE_H) == pytest.approx((10 * MM, 8 * MM, 10 * MM, 46))
    assert SHEETS["a4"] == pytest.approx((A4_W, A4_H))


def test_a_sliver_column_is_dropped_by_shrinking_the_poster_a_little() -> None:
    # 2300 + 56.7 = 2356.7 pt wide: at its size it needs a fourth A4 column holding only 23.8 + 28.3 of 796.5 pt
    assert 3 * STEP_W + OVERLAP < 2300 + CHROME_W < 3 * STEP_W + OVERLAP + 30
    fitted, page_w, page_h, grid = tiled(layout(2300, 400, 6.0), "a4")
    assert (page_w, page_h) == pytest.approx((A4_W, A4_H))                # landscape: 3 tiles, portrait needs 5
    assert [t.name for t in grid] == ["A1", "A2", "A3"]
    scale = (3 * STEP_W + OVERLAP - CHROME_W) / 2300                        # 0.9897: the width fills 3 tiles
    assert fitted.diagram_w == pytest.approx(2300 * scale) and fitted.smallest_pt == pytest.approx(6 * scale)
    assert fitted.left == pytest.approx(0) and fitted.sheet_w == pytest.approx(3 * STEP_W + OVERLAP)
    assert fitted.top == pytest.approx((AREA_H - 400 * scale - CHROME_H) / 2)          # centred in its one row
    assert [t.x for t in grid] == pytest.approx([0, STEP_W, 2 * STEP_W]) and {t.y for t in grid} == {0}


def test_when_text_cannot_shrink_the_poster_grows_and_is_centred() -> None:
    # the same poster with 5 pt text: it may not shrink, so 4 columns; it grows until its height fills the row
    fitted, page_w, page_h, grid = tiled(layout(2300, 400, 5.0), "a4")
    assert len(grid) == 4 and (page_w, page_h) == pytest.approx((A4_W, A4_H))
    scale = (AREA_H - CHROME_H) / 400                                      # 1.118 < 1.15 and < the width's 1.324
    assert fitted.diagram_h == pytest.approx(400 * scale) and fitted.top == pytest.approx(0)
    sheet_w = 4 * STEP_W + OVERLAP
    assert fitted.left == pytest.approx((sheet_w - 2300 * scale - CHROME_W) / 2)       # 236.6 pt each side
    assert min(coverage(fitted, page_w, page_h, grid)) == pytest.approx(1 - fitted.left / AREA_W)  # 70 %


def test_growth_is_capped_and_a_second_row_is_taken_when_needed() -> None:
    fitted, _, _, grid = tiled(layout(1500, 900, 5.0), "a4")
    # 1556.7 x 1002.7 pt at its size: 2 x 2 landscape tiles; it grows at most 15 %
    rows, columns = {t.row for t in grid}, {t.column for t in grid}
    assert (len(rows), len(columns)) == (2, 2)
    scale = min(TILE_SCALE[1], (2 * STEP_W + OVERLAP - CHROME_W) / 1500, (2 * (AREA_H - OVERLAP) + OVERLAP - CHROME_H)
                / 900)
    assert fitted.diagram_w == pytest.approx(1500 * scale)


SHAPES = [(paper, tile, 1000 * 0.3 * 1.06 ** k, smallest) for paper in SHEETS for tile in ("a4", "a3")
          if SHEETS[tile][0] <= SHEETS[paper][0] for k in range(60) for smallest in (2.0, 4.0, 8.0)]


def test_over_a_sweep_of_poster_shapes_no_tile_is_a_sliver() -> None:
    """Posters from 0.3 to 9.6 times as wide as tall, on every paper, cut into A4 and A3: of every grid of more
    than one tile, each tile is at least 60 % covered by the poster; the poster keeps TILE_SCALE and 5 pt text,
    lies inside its grid, and neighbours overlap by exactly 10 mm."""
    checked = 0
    for paper, tile, width, smallest in SHAPES:
        nominal = _fit(width, 1000.0, smallest, paper)
        if nominal.smallest_pt < MIN_POSTER_PT:
            continue
        fitted, page_w, page_h, grid = tiled(nominal, tile)
        scale = fitted.scale / nominal.scale
        assert TILE_SCALE[0] - 1e-9 <= scale <= TILE_SCALE[1] + 1e-9
        assert fitted.smallest_pt >= MIN_POSTER_PT - 1e-9
        assert fitted.left >= -1e-6 and fitted.top >= -1e-6
        assert fitted.left + fitted.content_w <= fitted.sheet_w + 1e-6
        assert fitted.top + fitted.content_h <= fitted.sheet_h + 1e-6
        columns = sorted({t.x for t in grid})
        assert all(b - a == pytest.approx(page_w - 2 * TILE_MARGIN - OVERLAP) for a, b in zip(columns, columns[1:]))
        assert columns[-1] + page_w - 2 * TILE_MARGIN == pytest.approx(fitted.sheet_w)
        if len(grid) > 1:
            assert min(coverage(fitted, page_w, page_h, grid)) >= 0.6, (paper, tile, width, smallest)
            checked += 1
    assert checked > 300


def tile_inks(pdf: Path) -> list[float]:
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                                                             check=True).stdout).group(1))
    return [ink(pdf, page) for page in range(2, pages + 1)]


@pytest.mark.parametrize("sample, view, paper, size", [("hotel-stay", "blueprint", "a4", "A1 at 115 %"),
                                                       ("hotel-stay", "journey", "a3", "A1 at 95 %"),
                                                       ("outpatient-visit.zh", "journey", "a4", "A1 at 88 %")])
def test_every_tile_of_a_real_tiled_poster_holds_a_fair_share(tmp_path: Path, sample: str, view: str,
                                                              paper: str, size: str) -> None:
    """Before, the hotel's blueprint on A4 ended in a column of slivers (tiles at 2-3 % ink against 70 %), its
    journey on A3 in one at 5 %."""
    out = tmp_path / "tiles.pdf"
    result = run_cli("poster", SAMPLES / f"{sample}.yaml", "-o", out, "--view", view, "--tile", paper,
                     "--date", "2026-12-01", timeout=240)
    assert result.returncode == 0, result.stderr
    inks = tile_inks(out)
    assert len(inks) >= 2
    mean = sum(inks) / len(inks)
    assert min(inks) >= max(0.25, mean / 2), [round(value, 2) for value in inks]
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout.split("\f")
    assert f"{len(inks)} × {paper.upper()} · {size} · 10 mm overlap" in " ".join(text[0].split())   # the map


def test_the_single_sheet_centres_the_poster() -> None:
    a1_w, a1_h = 841 * MM, 594 * MM
    fitted = _fit(1000.0, 1000.0, 4.0, "a1")
    scale = (a1_h - CHROME_H) / 1000                          # 1.581: the height binds, the width has room
    assert fitted.scale == pytest.approx(scale) and fitted.smallest_pt == pytest.approx(4 * scale)
    assert fitted.top == pytest.approx(0) and fitted.left == pytest.approx((a1_w - 1000 * scale - CHROME_W) / 2)

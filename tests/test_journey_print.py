"""The journey map in print: tinted bands and filled cards that cover the page, text that keeps WCAG AA contrast on
what it sits on (in the blueprint too), outlines that survive black-and-white print (real SVG, PNG and report PDFs
read back)."""
from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from blueprint.api import load_service
from blueprint.model import Service
from blueprint.render import render
from blueprint.render.dot import quote
from blueprint.render.theme import INK, contrast, readable
from support import ROOT, SAMPLES, run_cli
from svg_geometry import SVG, Picture
from test_render_blueprint import hostile_service, service

sys.path.insert(0, str(ROOT / "bench"))
from bench_report import ink, page_texts  # noqa: E402

SAMPLE_FILES = sorted(SAMPLES.glob("*.yaml"))
CARDS = ("step.", "touchpoint.", "action.", "wait.", "thinks.", "pain.", "opportunity.")
NAMED = {"white": "#ffffff", "black": "#000000"}
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def test_contrast_ratio_against_hand_computed_values() -> None:
    assert contrast("#FFFFFF", "#000000") == pytest.approx(21.0)
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)     # the classic just-failing grey
    assert contrast("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)     # the classic just-passing grey
    assert contrast("#AD1457", "#AD1457") == pytest.approx(1.0)
    assert readable("#000000") == "#FFFFFF" and readable("#FFFFFF") == "#000000"
    assert readable("#EF6C00") == "#000000" and contrast(readable("#EF6C00"), "#EF6C00") > 4.5 > max(
        contrast("#FFFFFF", "#EF6C00"), contrast(INK, "#EF6C00"))                # orange: only black reads


def _color(value: str | None) -> str | None:
    """An SVG paint as #rrggbb, None for none/transparent."""
    if not value or value in ("none", "transparent"):
        return None
    value = NAMED.get(value, value).lower()
    return value[:7] if re.fullmatch(r"#[0-9a-f]{6}(?:[0-9a-f]{2})?", value) else None


def _over_white(color: str, opacity: float) -> str:
    """A translucent fill as it prints on white paper (a conditional step's bar)."""
    channels = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c * opacity + 255 * (1 - opacity)):02x}" for c in channels)


def _inside(element: ET.Element, x: float, y: float) -> bool:
    """Whether (x, y) is inside a filled shape (a path is taken by its control polygon)."""
    tag = element.tag.removeprefix(SVG)
    if tag == "ellipse":
        cx, cy, rx, ry = (float(element.get(k, 0)) for k in ("cx", "cy", "rx", "ry"))
        return rx > 0 and ry > 0 and ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1
    numbers = [float(n) for n in _NUMBER.findall(element.get("points") or element.get("d") or "")]
    points = list(zip(numbers[::2], numbers[1::2]))
    inside = False
    for (ax, ay), (bx, by) in zip(points, points[1:] + points[:1]):
        if (ay > y) != (by > y) and x < ax + (y - ay) * (bx - ax) / (by - ay):
            inside = not inside
    return inside


def backgrounds(svg: bytes) -> list[tuple[str, str, str, str]]:
    """Every text of the picture: (its words, its colour, the colour of the topmost filled shape painted under it,
    the id of the group the text is in)."""
    root = ET.fromstring(svg)
    shapes: list[tuple[ET.Element, str]] = []
    found = []

    def walk(element: ET.Element, group: str) -> None:
        for child in element:
            tag = child.tag.removeprefix(SVG)
            if tag == "g":
                walk(child, child.get("id") or group)
            elif tag in ("polygon", "path", "ellipse") and (fill := _color(child.get("fill"))):
                shapes.append((child, _over_white(fill, float(child.get("fill-opacity", "1")))))
            elif tag == "text" and "".join(child.itertext()).strip():
                size = float(child.get("font-size", "10"))
                x, y = float(child.get("x", 0)), float(child.get("y", 0)) - size * 0.3
                x += {"start": 1.5, "end": -1.5}.get(child.get("text-anchor", "start"), 0.0)
                under = next(fill for shape, fill in reversed(shapes) if _inside(shape, x, y))
                found.append(("".join(child.itertext()), _color(child.get("fill")) or "#000000", under, group))

    walk(root, "")
    return found


def journeys() -> list[tuple[str, Service]]:
    cases = [("example", service()), ("hostile", hostile_service()[0])]
    return cases + [(path.stem, load_service(path)) for path in SAMPLE_FILES]


@pytest.mark.parametrize("view", ["journey", "blueprint"])
@pytest.mark.parametrize("name, svc", journeys(), ids=[name for name, _ in journeys()])
def test_every_text_keeps_aa_contrast_on_what_it_sits_on(name: str, svc: Service, view: str) -> None:
    found = backgrounds(render(svc, view, "svg"))
    assert len(found) > 20
    low = [(words, ink, under, group) for words, ink, under, group in found if contrast(ink, under) < 4.5]
    assert not low, f"{name}: text under 4.5:1 {low[:5]}"


def test_contrast_check_sees_a_pale_text_on_its_tint() -> None:
    """The check above can fail: a pale text on a pale card is caught, with the card's colour as background."""
    svg = (f'<svg xmlns="{SVG[1:-1]}"><g id="graph0"><polygon fill="white" points="0,0 100,0 100,-100 0,-100"/>'
           '<g id="touchpoint.x"><path fill="#d2e6f8" d="M10,-10C10,-10 90,-10 90,-10 90,-90 10,-90 10,-10"/>'
           '<text x="50" y="-40" text-anchor="middle" font-size="10" fill="#90caf9">pale</text></g></g></svg>')
    [(words, ink, under, group)] = backgrounds(svg.encode())
    assert (words, under, group) == ("pale", "#d2e6f8", "touchpoint.x") and contrast(ink, under) < 4.5


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.stem)
def test_rows_are_tinted_bands_and_cards_stand_out_in_grey(sample: Path) -> None:
    """Every row prints as a light tone (grey under 250 of 255, over 200), and every card's outline keeps 3:1
    (WCAG's non-text contrast) against its row's band, so cards stay visible in black-and-white print."""
    svc = load_service(sample)
    pic = Picture(render(svc, "journey", "svg"))
    bands = {}
    for ident in pic.ids("row."):
        shape = pic.groups[ident].find(f"{SVG}polygon")
        assert shape is not None
        bands[ident.removeprefix("row.")] = (pic.rect(ident), _color(shape.get("fill")))
    assert {"stage", "step", "emotion"} <= set(bands)
    assert bands["emotion"][1] is None        # painted from _background: tinted above and below zero
    for name, (_, fill) in bands.items():
        if fill is not None:
            grey = _grey(fill)
            assert 200 < grey < 250, f"row {name} prints as {grey:.0f}"
    cards = [ident for prefix in CARDS for ident in pic.ids(prefix)]
    assert len(cards) > len(svc.steps)      # the step headings and more
    for ident in cards:
        rect = pic.rect(ident)
        band = next(fill for box, fill in bands.values() if fill and box.contains(rect))
        outline = _color(pic.groups[ident].find(f"{SVG}path").get("stroke") if pic.groups[ident].find(
            f"{SVG}path") is not None else pic.groups[ident].find(f"{SVG}polygon").get("stroke"))
        assert outline and contrast(outline, band) >= 3, f"{ident}: outline {outline} on {band}"


def _grey(color: str) -> float:
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b


def test_emotion_area_shaded_by_sign_from_the_png() -> None:
    """In the hotel's PNG, the emotion row is green-tinted above zero and rose below, darker between the curve and
    the zero line: sampled at its best and its worst step."""
    svc = load_service(SAMPLES / "hotel-stay.yaml")
    svg = render(svc, "journey", "svg")
    pic = Picture(svg)
    png = Image.open(BytesIO(render(svc, "journey", "png"))).convert("RGB")
    scale = png.width / float(ET.fromstring(svg).get("viewBox").split()[2])
    ty = float(re.search(r"translate\(([\d.]+) ([\d.]+)\)", svg.decode()).group(2))
    tx = float(re.search(r"translate\(([\d.]+) ([\d.]+)\)", svg.decode()).group(1))
    zero = pic.path("emotion.zero")[0][1]
    row = pic.rect("row.emotion")

    def pixel(x: float, y: float) -> tuple[int, int, int]:
        return png.getpixel((round((x + tx) * scale), round((y + ty) * scale)))

    scores = {step.id: step.emotion for step in svc.steps if step.emotion is not None}
    best = max(scores, key=scores.__getitem__)
    worst = min(scores, key=scores.__getitem__)
    assert scores[best] > 0 > scores[worst]
    for step_id, sign in ((best, 1), (worst, -1)):
        point = pic.rect(f"emotion.{step_id}")
        area = pixel(point.cx, (point.cy + zero) / 2 + (6 if sign > 0 else -6))       # between curve and zero
        band = pixel(point.cx, row.top + 4 if sign > 0 else row.bottom - 4)          # the band beyond the curve
        green_over_red = (area[1] - area[0]) * sign
        assert green_over_red > 10, f"area at {step_id} {area}"
        assert (band[1] - band[0]) * sign > 3 and sum(band) > sum(area) + 30, f"band at {step_id} {band}"


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("journey-print")
    out = {}
    for path in SAMPLE_FILES:
        pdf = folder / f"{path.stem}.pdf"
        result = run_cli("report", path, "-o", pdf, timeout=240)
        assert result.returncode == 0, result.stderr
        out[path.stem] = pdf
    return out


@pytest.mark.parametrize("stem", [path.stem for path in SAMPLE_FILES])
def test_every_journey_page_of_the_report_is_55_percent_ink(reports: dict[str, Path], stem: str) -> None:
    pdf = reports[stem]
    texts = page_texts(pdf)
    journey = [number for number, text in enumerate(texts, 1)
               if number > 1 and ("Customer journey map" in text[:400] or "顾客旅程图" in text[:400])]
    assert journey, "no journey page found"
    coverage = {number: ink(pdf, number) for number in journey}
    assert min(coverage.values()) >= 0.55, coverage


def test_pdftoppm_gray_agrees_with_our_grey() -> None:
    """The ink measure's greyscale is the one `_grey` predicts for a band tint (so 200 < grey < 250 means ink)."""
    fill = "#FDF5DD"
    pdf = subprocess.run(["dot", "-Tpdf"], input=f'digraph {{ bgcolor="{fill}"; a [style=invis] }}'.encode(),
                         capture_output=True, check=True).stdout
    pgm = subprocess.run(["pdftoppm", "-gray", "-r", "20", "-"], input=pdf, capture_output=True, check=True).stdout
    _, size, _, pixels = pgm.split(b"\n", 3)
    assert abs(pixels[len(pixels) // 2] - _grey(fill)) <= 2


def test_strings_past_graphviz_16384_byte_limit_are_joined_and_read_back_whole() -> None:
    """A long map's _background (and any long attribute) is written as "…" + "…": Graphviz reads it back whole."""
    value = ("情绪 \\ \" " * 3000)[:20000]          # 3-byte characters, backslashes and quotes across the cuts
    dot = f'digraph g {{ graph [comment={quote(value)}]; a [label="x"]; }}'
    assert dot.count('" + "') == 4 and all(len(piece.encode()) < 16384 for piece in dot.split('" + "'))
    out = subprocess.run(["dot", "-Tcanon"], input=dot.encode(), capture_output=True, check=True).stdout.decode()
    written = re.search(r'comment="((?:[^"\\]|\\.)*)"', out.replace("\\\n", "")).group(1)
    assert written.replace('\\"', '"').replace("\\\\", "\\") == value

"""Emoji drawn in colour from Noto Color Emoji (installed by setup), and never mapped to another character."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from support import run_cli

EMOJI = """\
blueprint: 1
title: "Emoji 😀 party 🎉"
stages:
  - id: visit
    title: "Arrive 🏨"
    steps:
      - id: enter
        title: "Check in 🔑"
        pain: "Queue 😡 too long"
        actions:
          customer: "Walks in 😀 happy"
          frontstage: "Greets 👩‍💼 the guest"
"""


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The emoji service, and the same with every emoji written as X."""
    folder = tmp_path_factory.mktemp("emoji")
    emoji, plain = folder / "emoji.yaml", folder / "plain.yaml"
    emoji.write_text(EMOJI, encoding="utf-8")
    plain.write_text("".join(char if char.isascii() or char == "\n" else "X" for char in EMOJI).replace("XXX", "X"),
                     encoding="utf-8")
    return emoji, plain


def test_the_colour_emoji_font_is_installed() -> None:
    found = subprocess.run(["fc-list", ":charset=1f600", "family"], capture_output=True, text=True, check=True)
    assert "Noto Color Emoji" in found.stdout, "run scripts/setup.sh (fonts-noto-color-emoji)"


def _emoji_yellow(png: Path) -> int:
    """Pixels of the emoji faces' saturated yellow, which the theme never uses."""
    colours = Image.open(png).convert("RGB").getcolors(maxcolors=1 << 24) or []
    return sum(count for count, (r, g, b) in colours if r > 230 and 160 < g < 225 and b < 90)


def test_png_draws_emoji_in_colour(services: tuple[Path, Path], tmp_path: Path) -> None:
    for path in services:
        assert run_cli("render", path, "-f", "png", "-o", tmp_path).returncode == 0
    emoji, plain = (_emoji_yellow(tmp_path / f"{path.stem}.blueprint.png") for path in services)
    assert plain == 0 and emoji > 100, (emoji, plain)


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout


def test_report_pdf_embeds_the_emoji_font_and_keeps_emoji_as_text(services: tuple[Path, Path], tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    assert run_cli("report", services[0], "-o", target).returncode == 0
    fonts = subprocess.run(["pdffonts", target], capture_output=True, text=True, check=True).stdout
    assert "Noto-Color-Emoji" in fonts
    text = " ".join(_text(target).split())
    for phrase in ("Emoji 😀 party 🎉", "Walks in 😀 happy", "Queue 😡 too long", "Check in 🔑"):
        assert phrase in text, phrase


def test_graphviz_pdf_draws_emoji_as_images_and_maps_no_wrong_character(services: tuple[Path, Path],
                                                                      tmp_path: Path) -> None:
    """cairo draws colour glyphs as bitmaps: they are pictures, absent from the text layer, never another letter."""
    assert run_cli("render", services[0], "-f", "pdf", "-o", tmp_path).returncode == 0
    pdf = tmp_path / "emoji.blueprint.pdf"
    images = subprocess.run(["pdfimages", "-list", pdf], capture_output=True, text=True, check=True).stdout
    assert len([line for line in images.splitlines()[2:] if " image " in line]) >= 4
    text = _text(pdf)
    assert "Walks in" in text and "happy" in text
    # without the font, pango draws a hex box whose digits land in the text layer ("party 03 18 F9")
    assert not re.search(r"\b[0-9A-F]{2} [0-9A-F]{2} [0-9A-F]{2}\b", text), text
    assert not {char for char in text if not char.isascii()} - {"\u2022"}, text


@pytest.mark.parametrize(("text", "hex_boxes"), [("𐀀𐀀𐀀𐀀𐀀𐀀𐀀𐀀", True), ("𓀀𓀀𓀀𓀀𓀀𓀀𓀀𓀀", True),
                                               ("😀🎉😀🎉😀🎉😀🎉", False), ("𝔘𝔫𝔦𝔠𝔬𝔡𝔢", False), ("ꀀꀀꀀꀀꀀꀀ", True)])
def test_text_the_font_lacks_measured_no_narrower_than_graphviz_draws_it(text: str, hex_boxes: bool) -> None:
    """Characters Noto Sans CJK lacks are drawn by a fallback font or as hex boxes (six digits wide beyond U+FFFF:
    Linear B, hieroglyphs); our measure of them, which sizes every box, is never under what Graphviz lays out."""
    from blueprint.render import text as measure

    dot = f'digraph {{ node [fontname="Noto Sans CJK SC", fontsize=10, shape=plaintext]; a [label="{text}"] }}'
    xdot = subprocess.run(["dot", "-Txdot"], input=dot, capture_output=True, text=True, check=True).stdout
    drawn = float(re.search(r"T [\d.]+ [\d.]+ -?\d+ ([\d.]+) ", xdot).group(1))       # type: ignore[union-attr]
    assert drawn <= measure.width(text, 10)
    assert measure.width(text, 10) <= 1.15 * drawn or not hex_boxes        # hex boxes: close, not far over

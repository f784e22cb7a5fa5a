"""Helpers for the documentation-site tests: a Graphviz that counts its calls, a small invalid service."""
from __future__ import annotations

import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

from support import SAMPLES, fake_dot

SECRET = "Secret outside"

# `emoton` on line 9, column 9: E003
INVALID = """\
blueprint: 1
title: Unknown key
stages:
  - id: visit
    title: Visit
    steps:
      - id: enter
        actions: {customer: Walks in}
        emoton: 1
"""


def counting_dot(folder: Path) -> tuple[dict[str, str], Path]:
    """An environment whose `dot` (first on PATH) notes each call in a file, then runs the real Graphviz."""
    real = shutil.which("dot")
    assert real is not None
    calls = folder / "dot-calls"
    fake_dot(folder, f'echo call >> "{calls}"\nexec "{real}" "$@"\n')
    return {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}, calls


def dot_calls(calls: Path) -> int:
    return len(calls.read_text().splitlines()) if calls.exists() else 0


def plant_outside(outside: Path, link: Path) -> None:
    """A valid service titled SECRET at `outside` (beyond the services folder), and a symlink to it at `link`."""
    text = (SAMPLES / "hotel-stay.yaml").read_text(encoding="utf-8").replace("title: Hotel stay", f"title: {SECRET}")
    outside.write_text(text, encoding="utf-8")
    link.symlink_to(outside)


def svgs(html: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", html, re.DOTALL)


def svg_ids(html: str) -> list[set[str]]:
    """The element ids of each inline SVG in a page (each SVG must parse as XML)."""
    return [{element.get("id", "") for element in ET.fromstring(svg).iter()} for svg in svgs(html)]


def edit_service(path: Path) -> None:
    """Change the hotel sample's first step title: 'Compare rooms' becomes 'Compare suites'."""
    path.write_text(path.read_text(encoding="utf-8").replace("Compare rooms", "Compare suites"), encoding="utf-8")

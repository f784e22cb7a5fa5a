"""User text made safe to draw, measured with the real font's advance widths, and wrapped."""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

FONT = "Noto Sans CJK SC"
FONT_FILES = {
    False: ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
    True: ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
           "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc"),
}
ELLIPSIS = "…"
SAFETY = 1.04          # measured width is scaled up a little: renderers differ by rounding and kerning
MAX_CHARS = 2000       # longer text is cut before it is measured at all
_BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c")


def clean(text: str) -> str:
    """One line of drawable text: control, bidi-override and invalid characters gone, spaces collapsed."""
    out = []
    for char in text[:MAX_CHARS]:
        category = unicodedata.category(char)
        if char in "\t\n\r\f\v" or category in ("Zl", "Zp"):
            out.append(" ")
        elif category in ("Cc", "Cs") or char in _BIDI_CONTROLS or char in "\ufffe\uffff":
            continue
        else:
            out.append(char)
    return " ".join("".join(out).split())


@lru_cache(maxsize=2)
def _advances(bold: bool) -> tuple[dict[int, int], int]:
    """Advance widths by code point and units per em, from the installed CJK font (empty when absent)."""
    path = next((p for p in FONT_FILES[bold] if Path(p).is_file()), None)
    if path is None:
        return {}, 1000
    from fontTools.ttLib import TTCollection

    collection = TTCollection(path, lazy=True)
    font = next((f for f in collection.fonts if f["name"].getDebugName(1) == FONT), collection.fonts[0])
    metrics = font["hmtx"].metrics
    widths = {code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()}
    return widths, font["head"].unitsPerEm


def char_width(char: str, size: float, bold: bool = False) -> float:
    """Width of one character in points; characters the font lacks count as a full em."""
    widths, units = _advances(bold)
    if not widths:
        return size * (1.0 if unicodedata.east_asian_width(char) in "WF" else 0.62)
    return widths.get(ord(char), units) * size / units


def width(text: str, size: float, bold: bool = False) -> float:
    """Width of `text` in points at font `size`, with a safety margin."""
    return sum(char_width(char, size, bold) for char in text) * SAFETY


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def _tokens(text: str) -> list[str]:
    """Break opportunities: words with their trailing space, and each wide (CJK) character alone."""
    tokens: list[str] = []
    current = ""
    for char in text:
        if _is_wide(char):
            if current:
                tokens.append(current)
            tokens.append(char)
            current = ""
        elif char == " ":
            tokens.append(current + " ")
            current = ""
        else:
            current += char
    if current:
        tokens.append(current)
    return tokens


def _fit(text: str, limit: float, size: float, bold: bool) -> int:
    """How many leading characters of `text` fit in `limit` points (at least one)."""
    total = 0.0
    for index, char in enumerate(text):
        total += char_width(char, size, bold) * SAFETY
        if total > limit:
            return max(index, 1)
    return len(text)


def wrap(text: str, limit: float, size: float, bold: bool = False, max_lines: int = 6) -> list[str]:
    """`text` cleaned and broken into lines no wider than `limit`; cut with an ellipsis past `max_lines`."""
    lines: list[str] = []
    line = ""
    for token in _tokens(clean(text)):
        if width((line + token).rstrip(), size, bold) <= limit:
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = token
        while width(line.rstrip(), size, bold) > limit:
            cut = _fit(line, limit, size, bold)
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip():
        lines.append(line.rstrip())
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and width(last + ELLIPSIS, size, bold) > limit:
            last = last[:-1]
        lines = lines[:max_lines - 1] + [last.rstrip() + ELLIPSIS]
    return lines

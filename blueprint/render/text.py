"""User text made safe to draw, measured with the real font's advance widths, and wrapped."""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache

from . import font_widths

FONT = "Noto Sans CJK SC"
FONT_FILES = {
    False: ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
    True: ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
           "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc"),
}
MISSING = 1400         # advance (per 1000) of a character the font lacks: a fallback font or a hex box draws it
MISSING_ASTRAL = 1800  # the same beyond U+FFFF, where a hex box holds six digits (pango: 1.73 em for U+10000) ...
FALLBACK_ASTRAL = ((0x1D400, 0x1D7FF), (0x1F000, 0x1FAFF))   # ... but for the fonts setup.sh installs: DejaVu's
# mathematical letters (0.65 em) and the emoji (1.28 em), under MISSING
ELLIPSIS = "…"
SAFETY = 1.04          # measured width is scaled up a little: renderers differ by rounding and kerning
MAX_CHARS = 2000       # longer text is cut before it is measured at all
_SPACE = re.compile("[\t\n\r\f\v\x1c-\x1f\x85\u2028\u2029]")
_DROP = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff"
                   "\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")


def clean(text: str) -> str:
    """One line of drawable text: control, bidi-override and invalid characters gone, spaces collapsed."""
    text = text[:MAX_CHARS]
    if not (text.isascii() and text.isprintable()):
        text = _DROP.sub("", _SPACE.sub(" ", text))
    return " ".join(text.split())


def char_width(char: str, size: float, bold: bool = False) -> float:
    """Width of one character in points; characters the font lacks count as a full em."""
    return _units(char, bold) * size / 1000


@lru_cache(maxsize=65536)
def _units(text: str, bold: bool) -> int:
    """Advance of `text` in 1/1000 em."""
    starts, widths = (font_widths.BOLD_STARTS, font_widths.BOLD_WIDTHS) if bold else \
        (font_widths.REGULAR_STARTS, font_widths.REGULAR_WIDTHS)
    total = 0
    for char in text:
        advance = widths[bisect_right(starts, ord(char)) - 1]
        total += MISSING_ASTRAL if advance == MISSING and _hex_box(ord(char)) else advance
    return total


def _hex_box(code: int) -> bool:
    """Whether a code point the font lacks is drawn as a six-digit hex box (beyond U+FFFF, no fallback font)."""
    return code > 0xFFFF and not any(low <= code <= high for low, high in FALLBACK_ASTRAL)


def width(text: str, size: float, bold: bool = False) -> float:
    """Width of `text` in points at font `size`, with a safety margin."""
    return _units(text, bold) * size * SAFETY / 1000


def longest_word(text: str, size: float, bold: bool = False) -> float:
    """The width of the widest piece of `text` that `wrap` never breaks (a word; a CJK character)."""
    return max((width(token.rstrip(" "), size, bold) for token in _tokens(clean(text))), default=0.0)


_ASCII_TOKEN = re.compile(r"[^ ]+ ?| ")
_NO_LINE_START = frozenset("，。、；：！？）」』》】〉”’・…")   # CJK punctuation stays with the character before it


def _tokens(text: str) -> list[str]:
    """Break opportunities: words with their trailing space, and each wide (CJK) character alone; a percent sign
    stays with its number ("60.0 %" never ends a line at "60.0")."""
    tokens = _ASCII_TOKEN.findall(text) if text.isascii() else _words(text)
    if "%" not in text:
        return tokens
    kept: list[str] = []
    for token in tokens:
        if kept and token.rstrip(" ") == "%":
            kept[-1] += token
        else:
            kept.append(token)
    return kept


def _words(text: str) -> list[str]:
    """`_tokens` of text that is not all ASCII."""
    tokens: list[str] = []
    current = ""
    for char in text:
        if char in _NO_LINE_START and tokens and not current:
            tokens[-1] += char
        elif unicodedata.east_asian_width(char) in "WF":
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
    line, line_w = "", 0.0
    for token in _tokens(clean(text)):
        word = token.rstrip(" ")
        word_w = width(word, size, bold)
        if line_w + word_w <= limit:
            line += token
            line_w += width(token, size, bold)
            continue
        if line.strip():
            lines.append(line.rstrip())
        line, line_w = token, width(token, size, bold)
        while width(line.rstrip(), size, bold) > limit:
            cut = _fit(line, limit, size, bold)
            lines.append(line[:cut])
            line = line[cut:]
            line_w = width(line, size, bold)
        if len(lines) > max_lines:
            break
    if line.strip():
        lines.append(line.rstrip())
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and width(last + ELLIPSIS, size, bold) > limit:
            last = last[:-1]
        lines = lines[:max_lines - 1] + [last.rstrip() + ELLIPSIS]
    return lines

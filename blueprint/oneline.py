"""Text shown on one line: newlines and other control characters escaped, so user text cannot start a line."""
from __future__ import annotations

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# C0, DEL and C1 controls (U+0085 is a newline to some readers), the line and paragraph separators, the
# bidirectional embeddings, overrides and isolates, which can make a line read as another, and the lone
# surrogates that stand for the bytes of a file name that is not UTF-8 (they cannot be printed at all).
_ESCAPED = [*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A),
            *range(0xD800, 0xE000)]
_TABLE = {code: _NAMED.get(chr(code), f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}") for code in _ESCAPED}


def one_line(text: str) -> str:
    """`text` with every character that could break or disguise a line written as an escape (`\\n`, `\\x1b`)."""
    return text if text.isprintable() else text.translate(_TABLE)

"""Durations: parse `1h30m`-style strings to seconds and format seconds back."""
from __future__ import annotations

import math
import re
from functools import lru_cache

UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
DURATION_PATTERN = r"^(?:[0-9]+(?:\.[0-9]+)?[smhd])+$"
_PAIR = re.compile(r"([0-9]+(?:\.[0-9]+)?)([smhd])")
_WHOLE = re.compile(DURATION_PATTERN)


@lru_cache(maxsize=1024)
def parse_duration(text: str) -> float | None:
    """Seconds for a duration string, or None when it is not one."""
    if not isinstance(text, str) or not _WHOLE.match(text):
        return None
    seconds = sum(float(number) * UNIT_SECONDS[unit] for number, unit in _PAIR.findall(text))
    return int(seconds) if math.isfinite(seconds) and seconds == int(seconds) else seconds


def format_duration(seconds: float) -> str:
    """A short human form: `45s`, `5m`, `1h 30m`, `2d 3h`; fractions of a second are rounded."""
    total = round(seconds)
    if total == 0:
        return "0s"
    parts = []
    for unit, size in UNIT_SECONDS.items():
        count, total = divmod(total, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts[:2])


def format_minutes(seconds: float) -> str:
    """Minutes with at most one decimal, for tables: `12`, `0.5`, `90`."""
    minutes = round(seconds / 60, 1)
    return f"{minutes:g}"

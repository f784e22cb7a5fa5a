"""Durations: parse `1h30m`-style strings to seconds (`humanize` formats them for people)."""
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

"""Numbers in people's units, the one formatter for the CLI, diff, report and every other front end."""
from __future__ import annotations

from .durations import UNIT_SECONDS

MINUS = "\u2212"


def _sign(value: float) -> str:
    return "+" if value > 0 else MINUS if value < 0 else ""


def duration(seconds: float) -> str:
    """A short human form: `45s`, `5m`, `1h 30m`, `2d 4h` (the two largest units); fractions of a second rounded."""
    total = round(abs(seconds))
    if total == 0:
        return "0s"
    parts = []
    for unit, size in UNIT_SECONDS.items():
        count, total = divmod(total, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts[:2])


def signed_duration(seconds: float) -> str:
    """A change of time: `+6m`, `−1h 2m`, `0s`."""
    shown = duration(seconds)
    return shown if shown == "0s" else _sign(seconds) + shown


def percent(ratio: float | None) -> str | None:
    """A ratio as a percentage with one decimal: 0.162 → `16.2 %`; None stays None."""
    return None if ratio is None else _percent(ratio)


def _percent(ratio: float) -> str:
    return f"{ratio * 100:.1f} %"


def signed_percent(ratio: float) -> str:
    """A relative change as a percentage: −0.057 → `−5.7 %`."""
    shown = f"{abs(ratio) * 100:.1f} %"
    return shown if shown == "0.0 %" else _sign(ratio) + shown


def points(delta: float) -> str:
    """A change of a ratio in percentage points: 0.021 → `+2.1 pp`."""
    shown = f"{abs(delta) * 100:.1f} pp"
    return shown if shown == "0.0 pp" else _sign(delta) + shown


def money(amount: float, currency: str | None = None) -> str:
    """An amount with two decimals and its currency code: `75.50 EUR` (no code when none is given)."""
    shown = f"{abs(amount):,.2f}"
    sign = MINUS if amount < 0 and shown.strip("0.,") else ""
    return f"{sign}{shown} {currency}" if currency else f"{sign}{shown}"


def signed_money(amount: float, currency: str | None = None) -> str:
    """A change of cost: `+12.00 EUR`, `−3.50 EUR`."""
    shown = money(abs(amount), currency)
    return shown if not round(amount, 2) else _sign(amount) + shown


def score(value: int | float | None) -> str:
    """A score with its sign, as an emotion is shown: `−2`, `0`, `+1`; nothing for None."""
    if value is None:
        return ""
    shown = f"{abs(value):g}"
    return shown if not value else _sign(value) + shown


def rating(value: float) -> str:
    """An average rating as given, at most two decimals, no sign: `2.8`, `4`, `4.25` (a csat)."""
    return f"{round(value, 2):g}"


_MONEY_PARTS = frozenset({"cost", "total", "labour", "direct", "indirect", "waste", "expected"})


def metric(name: str, value: float, currency: str | None = None) -> str:
    """A number of `metrics --format json` by its name (`cost.total`, `stage.visit.time_s`, `chance`):
    times as durations, ratios and chances as percentages, cost amounts as money, anything else as written."""
    last = name.rsplit(".", 1)[-1]
    if last.endswith("_s"):
        return duration(value)
    if last.endswith("ratio") or last == "chance":
        return _percent(value)
    if last in _MONEY_PARTS:
        return money(value, currency)
    return f"{value:g}"

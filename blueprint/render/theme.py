"""Colours, font sizes and spacing shared by the views (points)."""
from __future__ import annotations

from dataclasses import dataclass

from ..model import LaneKind

FONT_SIZE = 10.0            # Graphviz reads HTML POINT-SIZE as a whole number: keep sizes whole
SMALL_SIZE = 8.0            # the smallest text drawn
NOTE_SIZE = 9.0             # pain points and opportunities
LINE_HEIGHT = 14.0          # per line of FONT_SIZE text (dot.line_height)
SMALL_LINE_HEIGHT = 11.0
HEADING_SIZE = 11.0
MAX_LINES = 6               # longer action text is cut with an ellipsis

INK = "#263238"
MUTED = "#546E7A"          # small grey text (durations, captions): 5.4:1 on white, WCAG AA

LANE_FILL = {
    LaneKind.EVIDENCE: "#F4EFE6",
    LaneKind.CUSTOMER: "#FFF4D6",
    LaneKind.FRONTSTAGE: "#E3F0FB",
    LaneKind.BACKSTAGE: "#E5F3E8",
    LaneKind.SUPPORT: "#EEE8F6",
}
LANE_HEAD = {
    LaneKind.EVIDENCE: "#E6DCCB",
    LaneKind.CUSTOMER: "#FBE3A4",
    LaneKind.FRONTSTAGE: "#C5DFF5",
    LaneKind.BACKSTAGE: "#C6E5CD",
    LaneKind.SUPPORT: "#D9CCEC",
}
LANE_INK = {
    LaneKind.EVIDENCE: "#6D4C41",
    LaneKind.CUSTOMER: "#6D5600",
    LaneKind.FRONTSTAGE: "#0D47A1",
    LaneKind.BACKSTAGE: "#1B5E20",
    LaneKind.SUPPORT: "#5E35B1",
}

STAGE_FILL = "#37474F"
STEP_FILL = "#ECEFF1"
LINE_COLOR = "#37474F"
LINE_STYLE = {"interaction": "solid", "visibility": "dashed", "internal": "dotted"}

FAIL = "#D32F2F"
WAIT = "#F9A825"
WAIT_OVER = "#D32F2F"
PAIN = "#AD1457"
OPPORTUNITY = "#2E7D32"
ADDED = "#2E9E44"           # comparison marks (render --compare)
CHANGED = "#00ACC1"

FLOW_STYLE = {"request": "solid", "data": "dotted", "return": "dashed"}
FLOW_COLOR = {"request": "#455A64", "data": "#1565C0", "return": "#BF360C"}   # labels on white: >= 4.5:1

EMOTION_COLOR = {-2: "#C62828", -1: "#EF6C00", 0: "#9E9E9E", 1: "#7CB342", 2: "#2E7D32"}

CRITICAL = "#C62828"        # the critical path: marks on headings, bars in the schedule
SCHEDULE_BAR = "#90A4AE"
SCHEDULE_FILL, SCHEDULE_HEAD, SCHEDULE_INK = "#EEF1F3", "#DDE3E7", "#37474F"   # the schedule strip, a row like a lane
CONDITIONAL_FILL = "#FFF8E1"
CONDITIONAL_LINE = "#B26A00"     # dashed outline of a step that happens only sometimes: 3:1 on the step band
MOMENT = "#6A1B9A"          # a moment of truth
CURVE_COLORS = ("#546E7A", "#8E24AA", "#00838F", "#6D4C41")    # one emotion curve per customer lane
CURVE_STYLES = ("solid", "dashed", "dotted", "bold")


@dataclass(frozen=True)
class Tint:
    """A journey-map row's colours: its band, its title cell, its cards' fill and outline, its text. Bands print
    as a light tone (grey 200-250 of 255), outlines keep 3:1 on their band and every text 4.5:1 (WCAG AA) on what
    it sits on, so the map reads in black-and-white print."""
    band: str
    head: str
    card: str = ""          # "": the row has no cards
    line: str = ""
    ink: str = INK


SECONDARY = "#455A64"       # small text on tints (MUTED is too light for 4.5:1 there)
JOURNEY_TINT = {
    "stage": Tint("#CFD8DC", "#B0BEC5", STAGE_FILL, STAGE_FILL, "#FFFFFF"),
    "step": Tint("#E1E7EA", "#CFD8DC", "#F2F5F6", "#607D8B"),
    "touchpoint": Tint("#E8F1FA", "#C5DFF5", "#D2E6F8", "#1565C0"),
    "action": Tint("#FDF5DD", "#FBE3A4", "#FFE7A6", "#8D6E00"),
    "wait": Tint("#FDF0E2", "#FAD7B0", WAIT, "#B26A00"),
    "thinks": Tint("#F1EEF6", "#D9CCEC", "#E5DDF3", "#5E35B1"),
    "emotion": Tint("", "#CFD8DC"),             # its band is MOOD_BAND, drawn under the curve's area
    "pain": Tint("#FCEBF1", "#F6C6D8", "#F8D3E1", PAIN, PAIN),
    "opportunity": Tint("#E9F4EA", "#C6E5CD", "#D0EAD3", OPPORTUNITY, "#1B5E20"),
}
MOOD_BAND = {1: "#E6F3E7", -1: "#FBE9E9"}       # the emotion row above and below its zero line
MOOD_AREA = {1: "#BFE0C2", -1: "#F2C4C4"}       # the area between the curve and the zero line


def _luminance(color: str) -> float:
    """WCAG relative luminance of `#RRGGBB`."""
    channels = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two `#RRGGBB` colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable(fill: str) -> str:
    """White or black, whichever reads better on `fill` (on mid tones such as orange only black keeps 4.5:1)."""
    return "#FFFFFF" if contrast("#FFFFFF", fill) >= contrast("#000000", fill) else "#000000"

"""Colours, font sizes and spacing shared by the views (points)."""
from __future__ import annotations

from ..model import LaneKind

FONT_SIZE = 10.0            # Graphviz reads HTML POINT-SIZE as a whole number: keep sizes whole
SMALL_SIZE = 8.0            # the smallest text drawn
NOTE_SIZE = 9.0             # pain points and opportunities
LINE_HEIGHT = 14.0          # per line of FONT_SIZE text (dot.line_height)
SMALL_LINE_HEIGHT = 11.0
HEADING_SIZE = 11.0
MAX_LINES = 6               # longer action text is cut with an ellipsis

INK = "#263238"
MUTED = "#607D8B"

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
    LaneKind.CUSTOMER: "#8D6E00",
    LaneKind.FRONTSTAGE: "#1565C0",
    LaneKind.BACKSTAGE: "#2E7D32",
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
FLOW_COLOR = {"request": "#455A64", "data": "#1E88E5", "return": "#E65100"}

EMOTION_COLOR = {-2: "#C62828", -1: "#EF6C00", 0: "#9E9E9E", 1: "#7CB342", 2: "#2E7D32"}

CRITICAL = "#C62828"        # the critical path: marks on headings, bars in the schedule
SCHEDULE_BAR = "#90A4AE"
CONDITIONAL_FILL = "#FFF8E1"
CONDITIONAL_LINE = "#F9A825"
MOMENT = "#6A1B9A"          # a moment of truth
CURVE_COLORS = ("#546E7A", "#8E24AA", "#00838F", "#6D4C41")    # one emotion curve per customer lane
CURVE_STYLES = ("solid", "dashed", "dotted", "bold")

"""Paper sizes, page margins and the box a diagram may fill on a page (points)."""
from __future__ import annotations

from dataclasses import dataclass

MM = 72 / 25.4
PAPERS: dict[str, tuple[float, float]] = {      # portrait width, height
    "a4": (210 * MM, 297 * MM),
    "a3": (297 * MM, 420 * MM),
    "letter": (612.0, 792.0),
}
MARGIN_TOP = 12 * MM          # the running header sits in it
MARGIN_BOTTOM = 11 * MM       # the page number sits in it
MARGIN_SIDE = 12 * MM
FIGURE_CHROME = 24.0          # the caption line above a diagram
MIN_TEXT_PT = 6.0             # nothing on paper is smaller


@dataclass(frozen=True)
class Paper:
    name: str
    width: float
    height: float

    @property
    def css_size(self) -> str:
        return f"{self.width:.2f}pt {self.height:.2f}pt"

    @property
    def content_width(self) -> float:
        return self.width - 2 * MARGIN_SIDE

    @property
    def figure_height(self) -> float:
        """The height a diagram may take below its heading and caption."""
        return self.height - MARGIN_TOP - MARGIN_BOTTOM - FIGURE_CHROME


def page_for(name: str = "a4", portrait: bool = False) -> Paper:
    """The page for `name` (a4, a3, letter), landscape unless `portrait`."""
    short, long = PAPERS[name]
    return Paper(name, short, long) if portrait else Paper(name, long, short)

"""What a comparison marks on the new version's diagrams: steps added, actions and steps changed, steps removed."""
from __future__ import annotations

from typing import NamedTuple

from ..i18n import label
from . import text
from .dot import Canvas, Html, line_height, text_lines
from .theme import ADDED, CHANGED, INK, SMALL_SIZE

REMOVED_W = 540.0           # the widest the "removed" box grows before its text wraps
HALO = 4.0                  # how far a changed action's mark shows around its box


class Marks(NamedTuple):
    added: frozenset[str] = frozenset()                     # step ids new in this version
    changed: frozenset[tuple[str, str]] = frozenset()       # (step, lane) of actions whose content changed
    changed_steps: frozenset[str] = frozenset()             # steps whose own fields (wait, emotion, ...) changed
    removed: tuple[str, ...] = ()                           # titles of the steps that are gone

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.changed_steps or self.removed)


def legend_keys(marks: Marks | None) -> list[str]:
    """The legend entries the marks need."""
    if not marks:
        return []
    return (["legend.added"] if marks.added else []) + (
        ["legend.changed"] if marks.changed or marks.changed_steps else [])


def column(canvas: Canvas, step: str, x: float, top: float, bottom: float, width: float) -> None:
    """An added step: a frame in the added colour around its whole column (drawn over the bands, under the boxes)."""
    canvas.band(f"added.{step}", x - width / 2, top, x + width / 2, bottom, style="rounded", color=ADDED,
                penwidth=2.5, **{"class": "mark added"})


def halo(canvas: Canvas, ident: str, x: float, y: float, w: float, h: float) -> None:
    """A changed element: a band of the changed colour around its box; call it before drawing the box."""
    canvas.node(x, y, w + 2 * HALO, h + 2 * HALO, id=ident, shape="box", style="rounded,filled", fillcolor=CHANGED,
                color=CHANGED, label="", **{"class": "mark changed"})


def removed_lines(marks: Marks | None, lang: str) -> list[str]:
    """The text of the "removed" box, wrapped; empty when no step is gone."""
    if not marks or not marks.removed:
        return []
    return text.wrap(f"{label(lang, 'legend.removed')}: " + " · ".join(marks.removed), REMOVED_W - 16, SMALL_SIZE,
                     max_lines=12)


def removed_height(lines: list[str]) -> float:
    return len(lines) * line_height(SMALL_SIZE) + 12 + 12 if lines else 0.0


def removed_box(canvas: Canvas, lines: list[str], x: float, y: float) -> None:
    """The box naming each removed step, its top-left corner at (`x`, `y`)."""
    if not lines:
        return
    w = max(text.width(line, SMALL_SIZE) for line in lines) + 16
    h = len(lines) * line_height(SMALL_SIZE) + 12
    canvas.node(x + w / 2, y + h / 2, w, h, id="removed", shape="box", style="rounded,dashed,filled",
                fillcolor="#FFFFFF", color="#9E9E9E", penwidth=1.2, **{"class": "mark removed"},
                label=Html(text_lines(lines, SMALL_SIZE, INK, align="LEFT")))

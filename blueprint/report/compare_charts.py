"""The comparison's charts as SVG text: time per stage before and after, and the emotion curves of both versions."""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .. import humanize
from ..render import text
from .charts import INK, LABEL_W, MUTED, SIZE, _fit, _svg, _text

OLD = "#B0BEC5"
NEW = "#1565C0"
PAIR_H = 11.0               # one bar of a stage's pair
PAIR_GAP = 10.0
BAR_W = 380.0
AFTER = 70.0                # room right of the longest bar for its duration
CURVE_COLOURS = ("#1565C0", "#C62828", "#2E7D32", "#6A1B9A", "#EF6C00", "#00838F")
LEVEL = 22.0                # emotion chart: height of one step of emotion
AXIS_W = 28.0
LABEL_PITCH = 11.0          # the least room a turned step label needs across
LANE_SHIFT = 5.0            # how far apart the curves of two customer lanes sit at one step


@dataclass(frozen=True)
class StagePair:
    title: str
    old_s: float | None
    new_s: float | None


@dataclass(frozen=True)
class Curve:
    """One customer lane's emotions in one version: runs of (position in the merged step order, score), broken
    where a step of that version gives the lane no emotion."""

    lane: str
    old: bool
    runs: tuple[tuple[tuple[int, int], ...], ...]


def _rect(x: float, y: float, w: float, h: float, fill: str, dashed: bool = False) -> str:
    dash = ' stroke="#78909C" stroke-width="0.8" stroke-dasharray="3 2"' if dashed else ""
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.2f}" height="{h:.1f}" fill="{fill}"{dash}/>'


def _key(left: float, y: float, items: Sequence[tuple[str, str]]) -> list[str]:
    """A row of (SVG swatch, name) pairs, each swatch 18 points wide."""
    body = []
    for swatch, name in items:
        body.append(f'<g transform="translate({left:.1f} {y:.1f})">{swatch}</g>')
        body.append(_text(left + 22, y + 8, name, SIZE))
        left += 22 + text.width(name, SIZE) + 18
    return body


def stage_pairs(pairs: Sequence[StagePair], old_label: str, new_label: str, width: float | None = None) -> str:
    """Per stage an old bar (grey) above a new one (blue), as long as the stage's time; a key below; at most
    `width` points wide (the bars shorter on a portrait page)."""
    bar_w = BAR_W if width is None else min(BAR_W, width - LABEL_W - AFTER)
    longest = max((t for pair in pairs for t in (pair.old_s, pair.new_s) if t is not None), default=0) or 1
    body: list[str] = []
    y = 4.0
    for pair in pairs:
        body.append(_text(0, y + PAIR_H + 3, _fit(pair.title, LABEL_W - 8, SIZE + 1), SIZE + 1))
        for index, (value, colour) in enumerate(((pair.old_s, OLD), (pair.new_s, NEW))):
            top = y + index * PAIR_H
            length = bar_w * (value or 0) / longest
            body.append(_rect(LABEL_W, top, max(length, 0.5), PAIR_H - 1, colour))
            caption = "–" if value is None else humanize.duration(value)
            body.append(_text(LABEL_W + length + 5, top + PAIR_H - 3, caption, SIZE, fill=MUTED if index == 0 else INK))
        y += 2 * PAIR_H + PAIR_GAP
    body += _key(LABEL_W, y, ((_rect(0, 0, 14, 9, OLD), old_label), (_rect(0, 0, 14, 9, NEW), new_label)))
    return _svg(LABEL_W + bar_w + AFTER, y + 16, body)


def _line(points: Sequence[tuple[float, float]], colour: str, dashed: bool) -> str:
    dash = ' stroke-dasharray="5 3"' if dashed else ""
    path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f} {y:.1f}" for i, (x, y) in enumerate(points))
    return f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="{1.6 if dashed else 2.2}"{dash}/>'


def _dot(x: float, y: float, colour: str, hollow: bool) -> str:
    fill = "#FFFFFF" if hollow else colour
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{fill}" stroke="{colour}" stroke-width="1.4"/>'


def emotion_pairs(steps: Sequence[str], curves: Sequence[Curve], width: float, old_label: str,
                  new_label: str) -> str:
    """Both versions' emotion curves on one chart: old dashed (hollow points), new solid, one colour per customer
    lane; the steps of both versions along the bottom, in order, each labelled (turned when they are many)."""
    top, height = 10.0, LEVEL * 4
    left = AXIS_W + 6
    pitch = (width - left - 10) / max(len(steps), 1)
    zero = top + height / 2
    body = [f'<line x1="{left:.1f}" y1="{zero:.1f}" x2="{width - 4:.1f}" y2="{zero:.1f}" stroke="#90A4AE" '
            'stroke-width="0.6" stroke-dasharray="2 2"/>']
    for score in (2, 1, 0, -1, -2):
        body.append(_text(AXIS_W, zero - score * LEVEL + 3, humanize.score(score), SIZE, "end", MUTED))
    lanes = list(dict.fromkeys(curve.lane for curve in curves))
    for curve in curves:
        colour = CURVE_COLOURS[lanes.index(curve.lane) % len(CURVE_COLOURS)]
        shift = (lanes.index(curve.lane) - (len(lanes) - 1) / 2) * LANE_SHIFT   # lanes side by side, not on top
        for run in curve.runs:
            xy = [(left + pitch * (index + 0.5) + shift, zero - score * LEVEL) for index, score in run]
            if len(xy) > 1:
                body.append(_line(xy, colour, curve.old))
            body += [_dot(x, y, colour, curve.old) for x, y in xy]
    turned = pitch < 70
    base = top + height + 12
    every = math.ceil(LABEL_PITCH / pitch)        # label every step while they fit side by side, else every n-th
    shown = [_fit(title, 90 if turned else pitch - 6, SIZE) if index % every == 0 else ""
             for index, title in enumerate(steps)]
    for index, title in enumerate(shown):
        if not title:
            continue
        x = left + pitch * (index + 0.5)
        if turned:
            body.append(_text(x + 3, base, title, SIZE, "end", INK, rotate=True))
        else:
            body.append(_text(x, base + 4, title, SIZE, "middle"))
    key_y = base + (max((text.width(title, SIZE) for title in shown), default=0) + 8 if turned else 14)
    items = []
    for lane in lanes:
        colour = CURVE_COLOURS[lanes.index(lane) % len(CURVE_COLOURS)]
        items += [(_line([(0, 4), (18, 4)], colour, True), f"{lane}, {old_label}"),
                  (_line([(0, 4), (18, 4)], colour, False), f"{lane}, {new_label}")]
    body += _key(left, key_y, items)
    return _svg(width, key_y + 16, body)

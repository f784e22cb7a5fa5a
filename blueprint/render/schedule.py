"""The schedule strip's layout: each step's bar from start to finish on one time axis, packed into tracks."""
from __future__ import annotations

import math
from dataclasses import replace
from typing import NamedTuple

from .. import humanize
from ..metrics import measure
from ..model import Service
from . import text
from .theme import SMALL_SIZE

MIN_BAR = 4.0               # a step of no time still shows as a sliver at its start
TRACK_H = 15.0
AXIS_H = 16.0
MAX_TRACKS = 6              # past this, bar captions that do not fit inside their bar are left off
TICK_STEPS = (60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800)
MIN_TICK_GAP = 70.0         # points between axis labels


class Bar(NamedTuple):
    step: str
    left: float
    right: float
    track: int
    caption: str            # the step title, cut to fit; empty when it fits nowhere
    caption_x: float        # the caption's centre: on the bar when it fits there, else just beside it
    critical: bool
    conditional: bool

    @property
    def inside(self) -> bool:
        """Whether the caption sits on the bar."""
        return self.left < self.caption_x < self.right


class Strip(NamedTuple):
    bars: tuple[Bar, ...]
    tracks: int
    ticks: tuple[tuple[float, str], ...]    # x, label
    left: float
    right: float

    @property
    def height(self) -> float:
        return self.tracks * TRACK_H + AXIS_H + 6


class Timing(NamedTuple):
    start_s: float
    finish_s: float
    critical: bool


def timings(service: Service) -> dict[str, Timing] | None:
    """Each step's start, finish and whether it is critical, when the service has any `after` (else None:
    steps simply follow one another and the blueprint has no schedule to show)."""
    if not service.uses_after:
        return None
    known = {step.id for step in service.steps}
    if any(earlier not in known for step in service.steps for earlier in step.after or ()):
        service = _own_part(service, known)
    return {s.id: Timing(s.start_s, s.finish_s, s.critical) for s in measure(service).steps}


def _own_part(service: Service, known: set[str]) -> Service:
    """A part cut from a larger service without it: its steps after only the steps it has (its own schedule)."""
    stages = tuple(replace(stage, steps=tuple(replace(step, after=tuple(a for a in step.after if a in known))
                                              if step.after is not None else step for step in stage.steps))
                   for stage in service.stages)
    return replace(service, stages=stages)


def axis_ticks(origin_s: float, end_s: float, left: float, right: float) -> tuple[tuple[float, str], ...]:
    """Axis labels at round times no closer than MIN_TICK_GAP, with the first start at the left end and the
    last finish at the right end."""
    if end_s <= origin_s:
        return ((left, humanize.duration(origin_s)),)
    span, length = right - left, end_s - origin_s
    room = max(1, int(span // MIN_TICK_GAP))
    step = next((size for size in TICK_STEPS if length / size <= room),
                TICK_STEPS[-1] * math.ceil(length / TICK_STEPS[-1] / room))
    first = math.ceil(origin_s / step)
    ticks = [(left + span * (k * step - origin_s) / length, humanize.duration(k * step))
             for k in range(first, int(end_s // step) + 1)]
    kept = [tick for tick in ticks if tick[0] - left >= MIN_TICK_GAP and right - tick[0] >= MIN_TICK_GAP]
    return ((left, humanize.duration(origin_s)), *kept, (right, humanize.duration(end_s)))


def _pack(spans: list[tuple[str, float, float]]) -> dict[str, int]:
    """Each span's track: the first whose last span ends before it starts (spans in start order)."""
    ends: list[float] = []
    tracks = {}
    for step, left, right in spans:
        track = next((i for i, end in enumerate(ends) if end <= left), len(ends))
        if track == len(ends):
            ends.append(right)
        ends[track] = right
        tracks[step] = track
    return tracks


def strip(service: Service, times: dict[str, Timing], titles: dict[str, str], left: float,
          right: float) -> Strip:
    """The bars of the steps of `service` between x = `left` (the earliest start) and `right` (the latest
    finish); `times` may be those of a larger service `service` was cut from."""
    steps = [step for step in service.steps if step.id in times]
    origin = min((times[s.id].start_s for s in steps), default=0)
    end = max((times[s.id].finish_s for s in steps), default=0)
    scale = (right - left) / ((end - origin) or 1)
    order = sorted(steps, key=lambda s: (times[s.id].start_s, times[s.id].finish_s))
    extents = {}
    for step in order:
        x0 = left + (times[step.id].start_s - origin) * scale
        x1 = left + (times[step.id].finish_s - origin) * scale
        if x1 - x0 < MIN_BAR:
            x0 = min(x0, right - MIN_BAR)
            x1 = x0 + MIN_BAR
        extents[step.id] = (x0, x1)

    def caption(step_id: str, outside: bool) -> tuple[str, float, float, float]:
        """The bar's caption, its centre x, and the x-extent bar and caption take together."""
        x0, x1 = extents[step_id]
        whole = titles[step_id]
        if text.width(whole, SMALL_SIZE) <= x1 - x0 - 6:
            return whole, (x0 + x1) / 2, x0, x1
        if not outside:
            return "", x0, x0, x1
        cut = text.wrap(whole, 110.0, SMALL_SIZE, max_lines=1)[0]
        w = text.width(cut, SMALL_SIZE) + 2
        if x1 + 3 + w <= right:
            return cut, x1 + 3 + w / 2, x0, x1 + 6 + w
        return cut, x0 - 3 - w / 2, x0 - 6 - w, x1

    for outside in (True, False):
        captions = {s.id: caption(s.id, outside) for s in order}
        tracks = _pack([(s.id, captions[s.id][2], captions[s.id][3]) for s in order])
        if max(tracks.values(), default=0) < MAX_TRACKS:
            break
    bars = tuple(Bar(s.id, *extents[s.id], tracks[s.id], *captions[s.id][:2], times[s.id].critical, s.conditional)
                 for s in service.steps if s.id in times)
    return Strip(bars, max(tracks.values(), default=0) + 1, axis_ticks(origin, end, left, right), left, right)

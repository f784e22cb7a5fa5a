"""A window of the blueprint: a run of steps and of lanes, drawn whole, with an off-page connector for every flow
that leaves it; the report and the poster's tiles print the blueprint as windows."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from ..graphviz import run_dot
from ..i18n import label
from ..model import Endpoint, Flow, Service
from .grid import PRINT, Spacing
from .marks import Marks

SIDES = ("left", "right", "up", "down")


@dataclass(frozen=True)
class Window:
    steps: tuple[str, ...]       # consecutive step ids
    lanes: tuple[str, ...]       # consecutive lane ids


class Exit(NamedTuple):
    """A flow with one end in a window: that end, the edge it leaves by, its direction and its other end."""

    inside: Endpoint
    side: str
    outgoing: bool
    other: Endpoint
    flow: Flow


class Connector(NamedTuple):
    """An exit as drawn: the box it starts at, the edge, the direction and the words at the edge."""

    step: str
    lane: str
    side: str
    outgoing: bool
    text: str


def window_service(service: Service, window: Window) -> Service:
    """Only the window's steps and lanes, the flows inside it, and the lines over its lanes (one at a cut is drawn
    along the window's top edge); a stage that started before the window says it goes on."""
    steps, lanes = set(window.steps), set(window.lanes)
    continued = label(service.lang, "continued")
    stages = []
    for stage in service.stages:
        kept = tuple(replace(step, actions=tuple(a for a in step.actions if a.lane in lanes))
                     for step in stage.steps if step.id in steps)
        if kept:
            title = stage.title if kept[0].id == stage.steps[0].id else f"{stage.title} ({continued})"
            stages.append(replace(stage, title=title, steps=kept))
    inside = [flow for flow in service.flows if _holds(window, flow.source) and _holds(window, flow.target)]
    return replace(service, stages=tuple(stages), lanes=tuple(lane for lane in service.lanes if lane.id in lanes),
                   lines=tuple(line for line in service.lines if line.below in lanes),
                   flows=tuple(inside))


def _holds(window: Window, end: Endpoint) -> bool:
    return end.step in window.steps and end.lane in window.lanes


def exits(service: Service, window: Window) -> list[Exit]:
    """Every drawn flow with exactly one end in `window`, by the edge nearest its other end (a step before or after
    the window leaves sideways, else up or down)."""
    order = {step.id: i for i, step in enumerate(service.steps)}
    lane_order = {lane.id: i for i, lane in enumerate(service.lanes)}
    first, last = order[window.steps[0]], order[window.steps[-1]]
    top = lane_order[window.lanes[0]]
    out = []
    for flow in service.flows:
        source_in, target_in = _holds(window, flow.source), _holds(window, flow.target)
        if source_in == target_in or flow.source == flow.target:
            continue
        inside, other = (flow.source, flow.target) if source_in else (flow.target, flow.source)
        if service.action(inside) is None or service.action(other) is None:
            continue
        at = order[other.step]
        side = ("left" if at < first else "right" if at > last else
                "up" if lane_order[other.lane] < top else "down")
        out.append(Exit(inside, side, source_in, other, flow))
    return out


def holds_first_lane(service: Service, window: Window) -> bool:
    """Whether `window` is the top of its step run: only there are the steps' schedule strip, critical marks and
    wait and pain badges drawn; a window of lower lanes repeats the stage and step headings alone."""
    return window.lanes[0] == service.lanes[0].id


def render_window(service: Service, window: Window, words: Callable[[Exit], str], fmt: str = "svg",
                  spacing: Spacing = PRINT, marks: Marks | None = None) -> bytes:
    """The blueprint of `window` as `fmt` bytes, laid out with `spacing` (paper's, by default), its schedule the
    whole service's (drawn on the window that holds the first lane); each exit drawn as a connector saying
    `words(exit)`; a comparison's `marks` on it."""
    from . import tidy_svg
    from .blueprint_view import blueprint_dot
    from .schedule import timings

    connectors: Sequence[Connector] = [Connector(e.inside.step, e.inside.lane, e.side, e.outgoing, words(e))
                                       for e in exits(service, window)]
    top = holds_first_lane(service, window)
    data = run_dot(blueprint_dot(window_service(service, window), timings(service) if top else None, connectors,
                                 False, spacing, marks, step_marks=top), fmt)
    return tidy_svg(data) if fmt == "svg" else data

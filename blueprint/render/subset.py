"""A service cut down to some of its stages, for drawing a wide blueprint in parts."""
from __future__ import annotations

from dataclasses import replace

from ..findings import UsageError
from ..model import Service
from .dot import PAD_INCHES


def sub_service(service: Service, stages: tuple[str, ...] | list[str]) -> Service:
    """`service` with only the stages `stages` (in the service's order) and the flows among their steps.

    Lanes and lines are all kept, so every part carries the lane titles.
    """
    known = {stage.id for stage in service.stages}
    unknown = [stage for stage in stages if stage not in known]
    if unknown or not stages:
        raise UsageError(f"no such stage to draw: {', '.join(unknown) or '(none given)'}")
    kept = tuple(stage for stage in service.stages if stage.id in set(stages))
    steps = {step.id for stage in kept for step in stage.steps}
    flows = tuple(flow for flow in service.flows if flow.source.step in steps and flow.target.step in steps)
    return replace(service, stages=kept, flows=flows)


def split_stages(service: Service, max_width: float, view: str = "blueprint") -> list[tuple[str, ...]]:
    """The stages grouped, in order, into parts whose `view` is at most `max_width` points wide (a stage
    wider than that alone is a part of its own); pass each part to `render(..., stages=part)`."""
    from . import grid, journey_view

    pad = 2 * 72 * PAD_INCHES
    if view == "blueprint":
        fixed, column = pad + 2 * grid.MARGIN + grid.TITLE_W + 2 * grid.EDGE, grid.COL_W
    else:
        fixed, column = pad + 2 * journey_view.MARGIN + journey_view.HEAD_W, journey_view.COL_W
    parts: list[tuple[str, ...]] = []
    width = fixed
    for stage in service.stages:
        extra = column * len(stage.steps)
        if parts and width + extra <= max_width:
            parts[-1] += (stage.id,)
            width += extra
        else:
            parts.append((stage.id,))
            width = fixed + extra
    return parts

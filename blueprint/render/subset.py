"""A service cut down to some of its stages, for drawing a wide blueprint in parts."""
from __future__ import annotations

from dataclasses import replace

from ..findings import UsageError
from ..model import Service


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

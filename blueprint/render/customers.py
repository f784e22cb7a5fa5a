"""Who the journey map is about: the customer lanes, their emotion curves, and the steps they take no part in."""
from __future__ import annotations

from ..model import Lane, LaneKind, Service, Step


def customer_lanes(service: Service) -> tuple[Lane, ...]:
    return tuple(lane for lane in service.lanes if lane.kind is LaneKind.CUSTOMER)


def narrow(service: Service, step: Step) -> bool:
    """Whether the journey map draws the step narrow: no customer acts in it."""
    customers = {lane.id for lane in customer_lanes(service)}
    return not any(action.lane in customers for action in step.actions)


def curve_lanes(service: Service) -> dict[str, dict[str, int]]:
    """Customer lane id -> its emotion per step, for the lanes that have any (lane order). A plain `emotion`
    number is the first customer lane's; a mapping gives each lane its own."""
    customers = [lane.id for lane in customer_lanes(service)]
    curves: dict[str, dict[str, int]] = {lane: {} for lane in customers}
    for step in service.steps:
        if step.emotions:
            for entry in step.emotions:
                curves[entry.lane][step.id] = entry.score
        elif step.emotion is not None:
            curves[customers[0]][step.id] = step.emotion
    return {lane: points for lane, points in curves.items() if points}

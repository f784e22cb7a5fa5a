"""Metrics: the schedule, lead and expected lead time, critical path, value-added time, cost, fail-point risk."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from .flowgraph import predecessors, topological
from .model import Endpoint, FailPoint, Service, Step, Value

_EPSILON = 1e-9  # relative: finishes and latest finishes come from different sums of the same times


@dataclass(frozen=True)
class Cost:
    """What some work costs: labour (rate x hours), direct (`cost`), indirect (overhead x labour); waste is the
    part of the total spent on `value: none` actions."""

    labour: float = 0
    direct: float = 0
    indirect: float = 0
    waste: float = 0

    @property
    def total(self) -> float:
        return self.labour + self.direct + self.indirect

    def __add__(self, other: Cost) -> Cost:
        return Cost(self.labour + other.labour, self.direct + other.direct, self.indirect + other.indirect,
                    self.waste + other.waste)


NO_COST = Cost()


class StepMetrics(NamedTuple):
    id: str
    stage: str
    wait_s: float
    chain_s: float
    value_added_s: float          # of the step's longest chain
    start_s: float = 0
    finish_s: float = 0
    slack_s: float = 0
    critical: bool = True
    chance: float = 1
    cost: Cost = NO_COST

    @property
    def time_s(self) -> float:
        return self.wait_s + self.chain_s


class StageMetrics(NamedTuple):
    id: str
    start_s: float
    finish_s: float
    cost: Cost

    @property
    def time_s(self) -> float:
        return self.finish_s - self.start_s


class FailMetrics(NamedTuple):
    step: str
    lane: str
    fail: FailPoint


class ServiceCost(NamedTuple):
    currency: str | None
    cost: Cost
    expected: float               # each step's cost weighted by its chance

    @property
    def given(self) -> bool:
        """Whether the file speaks of cost at all: a currency, or anything that costs."""
        return self.currency is not None or self.cost.total > 0


class TouchpointMetrics(NamedTuple):
    step: str
    name: str
    channel: str | None
    moment: bool
    csat: float | None
    nps: int | None
    emotion: int | None           # the step's score, or the lowest over its customer lanes


@dataclass(frozen=True)
class Metrics:
    """Everything `measure` finds. Per step (`steps`, file order): wait_s, time_s, start_s, finish_s, slack_s,
    critical, chance (1 when not given), cost; per stage (`stages`): start_s, finish_s, time_s, cost; the service:
    lead_time_s, expected_lead_time_s, value_added_s and value_added_ratio (on `critical_path`, the step ids of
    the critical path chosen for value-added time, in time order), cost (currency, total, labour, direct,
    indirect, waste, expected), touchpoints and fail_points. `metrics_json` gives FORMAT.md's JSON of it."""

    steps: tuple[StepMetrics, ...]
    stages: tuple[StageMetrics, ...]
    fail_points: tuple[FailMetrics, ...]
    lead_time_s: float = 0
    expected_lead_time_s: float = 0
    critical_path: tuple[str, ...] = ()
    cost: ServiceCost = ServiceCost(None, NO_COST, 0)
    touchpoints: tuple[TouchpointMetrics, ...] = ()

    @cached_property
    def value_added_s(self) -> float:
        by_id = {step.id: step for step in self.steps}
        return sum(by_id[step].value_added_s for step in self.critical_path)

    @property
    def value_added_ratio(self) -> float | None:
        return self.value_added_s / self.lead_time_s if self.lead_time_s else None

    @cached_property
    def _stage_value_added(self) -> dict[str, float]:
        by_id = {step.id: step for step in self.steps}
        found: dict[str, float] = {}
        for step in self.critical_path:
            found[by_id[step].stage] = found.get(by_id[step].stage, 0) + by_id[step].value_added_s
        return found

    def stage_value_added_s(self, stage: str) -> float:
        """The value-added time of the stage's steps on the critical path."""
        return self._stage_value_added.get(stage, 0)


def _chain(step: Step, successors: dict[Endpoint, list[Endpoint]]) -> tuple[float, float]:
    """(time, value-added time) of the step's longest chain; ties go to the most value-added.

    `alongside` groups count as one node: the longest duration of their members, and the longest value-adding
    one. Iterative (Kahn's order, then a backward pass): linear in the step's actions and flows."""
    groups = step.groups
    own: dict[str, tuple[float, float]] = {}
    for action in step.actions:
        node = groups[action.lane]
        duration = action.duration_s or 0
        value_added = duration if action.value is Value.CUSTOMER else 0
        time, va = own.get(node, (0, 0))
        own[node] = (max(time, duration), max(va, value_added))
    edges: dict[str, list[str]] = {node: [] for node in own}
    for action in step.actions:
        for target in successors.get(Endpoint(step.id, action.lane), ()):
            source_node, target_node = groups[action.lane], groups[target.lane]
            if source_node != target_node:
                edges[source_node].append(target_node)
    best: dict[str, tuple[float, float]] = {}
    for node in reversed(topological(own, edges)):
        tail = max((best[target] for target in edges[node]), default=(0, 0))
        best[node] = (own[node][0] + tail[0], own[node][1] + tail[1])
    return max(best.values(), default=(0, 0))


def _cost(step: Step, rates: dict[str, float | None], overhead: float) -> Cost:
    total = NO_COST
    for action in step.actions:
        rate = rates[action.lane]
        labour = rate * action.duration_s / 3600 if rate and action.duration_s else 0
        indirect = overhead * labour
        direct = action.cost or 0
        waste = labour + direct + indirect if action.value is Value.NONE else 0
        total = total + Cost(labour, direct, indirect, waste)
    return total


def _finishes(order: list[str], before: dict[str, tuple[str, ...]], time: dict[str, float]) -> dict[str, float]:
    finish: dict[str, float] = {}
    for step in order:
        finish[step] = max((finish[p] for p in before[step]), default=0) + time[step]
    return finish


def _critical_path(order: list[str], before: dict[str, tuple[str, ...]], start: dict[str, float],
                   finish: dict[str, float], critical: set[str], value_added: dict[str, float],
                   position: dict[str, int], tolerance: float) -> tuple[str, ...]:
    """Of the critical paths, the one with the most value-added time; of those, the one whose first differing
    step comes first in the file. A backward pass over the time order: linear in steps and `after` links."""
    nexts: dict[str, list[str]] = {step: [] for step in order}
    for step in order:
        for earlier in before[step]:
            if step in critical and earlier in critical and abs(start[step] - finish[earlier]) <= tolerance:
                nexts[earlier].append(step)
    best: dict[str, tuple[float, str | None]] = {}   # step -> (value-added from it on, the next step)
    for step in reversed(order):
        if step not in critical:
            continue
        candidates = [(best[later][0], -position[later], later) for later in nexts[step]]
        tail = max(candidates, default=(0, 0, None))
        best[step] = (value_added[step] + tail[0], tail[2])
    starts = [(best[step][0], -position[step], step) for step in order
              if step in critical and not any(earlier in critical and abs(start[step] - finish[earlier]) <= tolerance
                                              for earlier in before[step])]
    path: list[str] = []
    current = max(starts, default=(0, 0, None))[2]
    while current is not None:
        path.append(current)
        current = best[current][1]
    return tuple(path)


def measure(service: Service) -> Metrics:
    """The metrics of FORMAT.md (version 1 and 1.1) for a valid service."""
    successors: dict[Endpoint, list[Endpoint]] = {}
    for flow in service.request_flows:
        if flow.source.step == flow.target.step and not flow.alongside:
            successors.setdefault(flow.source, []).append(flow.target)
    chains = {step.id: _chain(step, successors) for step in service.steps}
    waits = {step.id: step.wait.expected_s if step.wait else 0 for step in service.steps}
    time = {step: waits[step] + chains[step][0] for step in chains}
    before = predecessors(service.steps)
    after: dict[str, list[str]] = {step: [] for step in before}
    for step, earlier_steps in before.items():
        for earlier in earlier_steps:
            after[earlier].append(step)
    order = topological(before, after)
    finish = _finishes(order, before, time)
    start = {step: finish[step] - time[step] for step in order}
    lead = max(finish.values(), default=0)
    tolerance = _EPSILON * max(1, lead)
    later_start: dict[str, float] = {}
    latest_finish: dict[str, float] = dict.fromkeys(order, lead)
    for step in reversed(order):
        later_start[step] = latest_finish[step] - time[step]
        for earlier in before[step]:
            latest_finish[earlier] = min(latest_finish[earlier], later_start[step])
    slack = {step: max(0, latest_finish[step] - finish[step]) for step in order}
    critical = {step for step in order if slack[step] <= tolerance}
    chances = {step.id: step.chance if step.chance is not None else 1 for step in service.steps}
    expected = _finishes(order, before, {step: time[step] * chances[step] for step in order})
    position = {step.id: index for index, step in enumerate(service.steps)}
    path = _critical_path(order, before, start, finish, critical, {s: chains[s][1] for s in chains}, position,
                          tolerance)
    rates = {lane.id: lane.rate for lane in service.lanes}
    costs = {step.id: _cost(step, rates, service.overhead) for step in service.steps}
    steps = tuple(StepMetrics(step.id, step.stage, waits[step.id], chains[step.id][0], chains[step.id][1],
                              start[step.id], finish[step.id], 0 if step.id in critical else slack[step.id],
                              step.id in critical, chances[step.id], costs[step.id])
                  for step in service.steps)
    stages = tuple(StageMetrics(stage.id, min(start[s.id] for s in stage.steps), max(finish[s.id] for s in stage.steps),
                                sum((costs[s.id] for s in stage.steps), NO_COST))
                   for stage in service.stages)
    fails = tuple(FailMetrics(step.id, action.lane, action.fail)
                  for step in service.steps for action in step.actions if action.fail is not None)
    total = sum(costs.values(), NO_COST)
    touchpoints = tuple(TouchpointMetrics(step.id, step.touchpoint.name, step.touchpoint.channel,
                                          step.touchpoint.moment, step.touchpoint.csat, step.touchpoint.nps,
                                          step.emotion)
                        for step in service.steps if step.touchpoint is not None)
    return Metrics(steps, stages, fails, lead, max(expected.values(), default=0), path,
                   ServiceCost(service.currency, total, sum(costs[s].total * chances[s] for s in costs)),
                   touchpoints)


def _exact(number: float) -> float:
    """Unrounded, as FORMAT.md's Precisions ask; a whole number prints without `.0`."""
    return int(number) if float(number).is_integer() else number


def _cost_json(cost: Cost) -> dict[str, float]:
    return {"total": _exact(cost.total), "labour": _exact(cost.labour), "direct": _exact(cost.direct),
            "indirect": _exact(cost.indirect), "waste": _exact(cost.waste)}


def metrics_json(metrics: Metrics) -> dict[str, object]:
    """The `metrics --format json` object of FORMAT.md: version 1's fields, then 1.1's; every number unrounded."""
    ratio = metrics.value_added_ratio
    return {
        "lead_time_s": _exact(metrics.lead_time_s),
        "value_added_s": _exact(metrics.value_added_s),
        "value_added_ratio": _exact(ratio) if ratio is not None else None,
        "expected_lead_time_s": _exact(metrics.expected_lead_time_s),
        "cost": {"currency": metrics.cost.currency, **_cost_json(metrics.cost.cost),
                 "expected": _exact(metrics.cost.expected)},
        "critical_path": list(metrics.critical_path),
        "stages": [{"id": s.id, "time_s": _exact(s.time_s), "start_s": _exact(s.start_s),
                    "finish_s": _exact(s.finish_s), "cost": _exact(s.cost.total)} for s in metrics.stages],
        "steps": [{"id": s.id, "stage": s.stage, "wait_s": _exact(s.wait_s), "time_s": _exact(s.time_s),
                   "start_s": _exact(s.start_s), "finish_s": _exact(s.finish_s), "critical": s.critical,
                   "chance": _exact(s.chance), "cost": _exact(s.cost.total)} for s in metrics.steps],
        "fail_points": [{"step": f.step, "lane": f.lane, "what": f.fail.what, "severity": f.fail.severity,
                         "likelihood": f.fail.likelihood, "detection": f.fail.detection, "risk": f.fail.risk,
                         "rpn": f.fail.rpn, "mitigation": f.fail.mitigation} for f in metrics.fail_points],
        "touchpoints": [{"step": t.step, "name": t.name, "channel": t.channel, "moment": t.moment,
                         "csat": t.csat, "nps": t.nps, "emotion": t.emotion} for t in metrics.touchpoints],
    }

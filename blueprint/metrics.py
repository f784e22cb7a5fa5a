"""Metrics: step, stage and lead time, value-added time and ratio, fail-point risk."""
from __future__ import annotations

from dataclasses import dataclass

from .model import Endpoint, FailPoint, FlowKind, Service, Step, Value


@dataclass(frozen=True)
class StepMetrics:
    id: str
    stage: str
    wait_s: float
    chain_s: float
    value_added_s: float

    @property
    def time_s(self) -> float:
        return self.wait_s + self.chain_s


@dataclass(frozen=True)
class FailMetrics:
    step: str
    lane: str
    fail: FailPoint


@dataclass(frozen=True)
class Metrics:
    steps: tuple[StepMetrics, ...]
    stages: tuple[tuple[str, float], ...]
    fail_points: tuple[FailMetrics, ...]

    @property
    def lead_time_s(self) -> float:
        return sum(step.time_s for step in self.steps)

    @property
    def value_added_s(self) -> float:
        return sum(step.value_added_s for step in self.steps)

    @property
    def value_added_ratio(self) -> float | None:
        return self.value_added_s / self.lead_time_s if self.lead_time_s else None

    def stage_value_added_s(self, stage: str) -> float:
        return sum(step.value_added_s for step in self.steps if step.stage == stage)


def _longest_chain(step: Step, successors: dict[Endpoint, list[Endpoint]]) -> tuple[float, float]:
    """(time, value-added time) of the step's longest chain; ties go to the most value-added."""
    best: dict[str, tuple[float, float]] = {}

    def chain_from(lane: str) -> tuple[float, float]:
        if lane in best:
            return best[lane]
        action = step.action(lane)
        assert action is not None
        own = action.duration_s or 0
        own_va = own if action.value is Value.CUSTOMER else 0
        tail = max((chain_from(target.lane) for target in successors.get(Endpoint(step.id, lane), ())),
                   default=(0, 0))
        best[lane] = (own + tail[0], own_va + tail[1])
        return best[lane]

    return max((chain_from(action.lane) for action in step.actions), default=(0, 0))


def measure(service: Service) -> Metrics:
    """The metrics of FORMAT.md for a valid service."""
    successors: dict[Endpoint, list[Endpoint]] = {}
    for flow in service.flows:
        if flow.kind is FlowKind.REQUEST and flow.source.step == flow.target.step:
            successors.setdefault(flow.source, []).append(flow.target)
    steps = []
    for step in service.steps:
        chain, value_added = _longest_chain(step, successors)
        steps.append(StepMetrics(step.id, step.stage, step.wait.expected_s if step.wait else 0, chain, value_added))
    stages = tuple((stage.id, sum(m.time_s for m in steps if m.stage == stage.id)) for stage in service.stages)
    fails = tuple(FailMetrics(step.id, action.lane, action.fail)
                  for step in service.steps for action in step.actions if action.fail is not None)
    return Metrics(tuple(steps), stages, fails)


def _number(seconds: float) -> float:
    return int(seconds) if float(seconds).is_integer() else round(seconds, 3)


def metrics_json(metrics: Metrics) -> dict[str, object]:
    """The `metrics --format json` object of FORMAT.md."""
    ratio = metrics.value_added_ratio
    return {
        "lead_time_s": _number(metrics.lead_time_s),
        "value_added_s": _number(metrics.value_added_s),
        "value_added_ratio": round(ratio, 3) if ratio is not None else None,
        "stages": [{"id": stage, "time_s": _number(time)} for stage, time in metrics.stages],
        "steps": [{"id": s.id, "stage": s.stage, "wait_s": _number(s.wait_s), "time_s": _number(s.time_s)}
                  for s in metrics.steps],
        "fail_points": [{"step": f.step, "lane": f.lane, "what": f.fail.what, "severity": f.fail.severity,
                         "likelihood": f.fail.likelihood, "detection": f.fail.detection, "risk": f.fail.risk,
                         "rpn": f.fail.rpn, "mitigation": f.fail.mitigation} for f in metrics.fail_points],
    }

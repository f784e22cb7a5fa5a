"""The checked service as plain frozen data: what every later stage reads."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from enum import StrEnum
from typing import NamedTuple


class Loc(NamedTuple):
    """A 1-based position in the source file."""

    line: int
    column: int


NOWHERE = Loc(1, 1)


class LaneKind(StrEnum):
    EVIDENCE = "evidence"
    CUSTOMER = "customer"
    FRONTSTAGE = "frontstage"
    BACKSTAGE = "backstage"
    SUPPORT = "support"

    @property
    def rank(self) -> int:
        return list(LaneKind).index(self)


class LineName(StrEnum):
    """The three lines; each lies below the lanes of rank <= its `rank`."""

    INTERACTION = "interaction"
    VISIBILITY = "visibility"
    INTERNAL = "internal"

    @property
    def rank(self) -> int:
        return {"interaction": 1, "visibility": 2, "internal": 3}[self.value]


class FlowKind(StrEnum):
    REQUEST = "request"
    DATA = "data"
    RETURN = "return"


class FlowOrigin(StrEnum):
    TIME = "time"          # automatic: customer lane, step to step
    SUPPORT = "support"    # automatic: down the lanes within a step
    FLOW = "flow"          # an entry of `flows`
    ACTION = "action"      # an action's `to`


# The records a big file has by the hundred thousand (actions, flows, fail points, notes, touchpoints, waits)
# are NamedTuples: as frozen as a frozen dataclass, at a third of the cost to make.


class Value(StrEnum):
    CUSTOMER = "customer"
    BUSINESS = "business"
    NONE = "none"


@dataclass(frozen=True)
class Lane:
    id: str
    title: str
    kind: LaneKind
    loc: Loc = NOWHERE


@dataclass(frozen=True)
class Line:
    """A drawn line: it lies between lane `above` and lane `below` (lane ids)."""

    name: LineName
    above: str
    below: str


class Note(NamedTuple):
    """A piece of text with its place in the file (a pain point, an opportunity)."""

    text: str
    loc: Loc = NOWHERE


class FailPoint(NamedTuple):
    what: str
    severity: int | None = None
    likelihood: int | None = None
    detection: int | None = None
    mitigation: str | None = None
    loc: Loc = NOWHERE

    @property
    def risk(self) -> int | None:
        if self.severity is None or self.likelihood is None:
            return None
        return self.severity * self.likelihood

    @property
    def rpn(self) -> int | None:
        if self.risk is None or self.detection is None:
            return None
        return self.risk * self.detection


class Action(NamedTuple):
    step: str
    lane: str
    text: str
    duration_s: float | None = None
    value: Value | None = None
    fail: FailPoint | None = None
    owner: str | None = None
    loc: Loc = NOWHERE
    value_loc: Loc | None = None   # where `value:` stands, for L601


class Touchpoint(NamedTuple):
    name: str
    channel: str | None = None
    loc: Loc = NOWHERE


class Wait(NamedTuple):
    expected_s: float
    tolerance_s: float | None = None
    loc: Loc = NOWHERE

    @property
    def excess_s(self) -> float:
        """How far the expected wait exceeds its tolerance (0 when within it or none given)."""
        if self.tolerance_s is None:
            return 0
        return max(0, self.expected_s - self.tolerance_s)


@dataclass(frozen=True)
class Step:
    id: str
    stage: str
    title: str
    actions: tuple[Action, ...] = ()       # in lane order, top to bottom
    touchpoint: Touchpoint | None = None
    emotion: int | None = None
    thinks: str | None = None
    pains: tuple[Note, ...] = ()
    opportunities: tuple[Note, ...] = ()
    wait: Wait | None = None
    loc: Loc = NOWHERE
    emotion_loc: Loc | None = None

    def action(self, lane: str) -> Action | None:
        for action in self.actions:
            if action.lane == lane:
                return action
        return None


@dataclass(frozen=True)
class Stage:
    id: str
    title: str
    steps: tuple[Step, ...]
    goal: str | None = None
    kpis: tuple[str, ...] = ()
    loc: Loc = NOWHERE


class Endpoint(NamedTuple):
    """One action: the one in lane `lane` of step `step`."""

    step: str
    lane: str

    def __str__(self) -> str:
        return f"{self.step}.{self.lane}"


class Flow(NamedTuple):
    source: Endpoint
    target: Endpoint
    kind: FlowKind = FlowKind.REQUEST
    origin: FlowOrigin = FlowOrigin.FLOW
    label: str | None = None
    loc: Loc = NOWHERE

    @property
    def automatic(self) -> bool:
        return self.origin in (FlowOrigin.TIME, FlowOrigin.SUPPORT)


@dataclass(frozen=True)
class Persona:
    name: str
    about: str | None = None
    goals: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Service:
    title: str
    stages: tuple[Stage, ...]
    lanes: tuple[Lane, ...]
    lines: tuple[Line, ...] = ()
    flows: tuple[Flow, ...] = ()          # every flow: automatic, `flows`, actions' `to`
    summary: str | None = None
    lang: str = "en"
    persona: Persona | None = None
    channels: tuple[str, ...] = ()
    auto_flows: bool = True
    rules: dict[str, float | str] = field(default_factory=dict)

    @cached_property
    def steps(self) -> tuple[Step, ...]:
        return tuple(step for stage in self.stages for step in stage.steps)

    @cached_property
    def _step_index(self) -> dict[str, Step]:
        return {step.id: step for step in self.steps}

    def lane(self, lane_id: str) -> Lane:
        return next(lane for lane in self.lanes if lane.id == lane_id)

    def step(self, step_id: str) -> Step:
        return self._step_index[step_id]

    def action(self, endpoint: Endpoint) -> Action | None:
        return self.step(endpoint.step).action(endpoint.lane)

    @cached_property
    def request_flows(self) -> tuple[Flow, ...]:
        return tuple(flow for flow in self.flows if flow.kind is FlowKind.REQUEST)

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


class Direction(StrEnum):
    """Which way a step's automatic support flows run."""

    DOWN = "down"
    UP = "up"


class FlowOrigin(StrEnum):
    TIME = "time"          # automatic: along a chained lane (customer lanes by default), step to step
    SUPPORT = "support"    # automatic: down the lanes within a step (up with `direction: up`)
    FLOW = "flow"          # an entry of `flows`
    ACTION = "action"      # an action's `to`


# The records a big file has by the hundred thousand (actions, flows, fail points, notes, touchpoints, waits)
# are NamedTuples: as frozen as a frozen dataclass, at a third of the cost to make.


class Value(StrEnum):
    CUSTOMER = "customer"
    BUSINESS = "business"
    NONE = "none"


class Dimension(StrEnum):
    """The SERVQUAL dimensions a pain point may name."""

    TANGIBLES = "tangibles"
    RELIABILITY = "reliability"
    RESPONSIVENESS = "responsiveness"
    ASSURANCE = "assurance"
    EMPATHY = "empathy"


class Lane(NamedTuple):
    id: str
    title: str
    kind: LaneKind
    loc: Loc = NOWHERE
    chain: bool = False            # the time rule applies (resolved: customer lanes default true, off with auto_flows)
    rate: float | None = None      # cost of one hour of this lane's work


class Line(NamedTuple):
    """A drawn line: it lies between lane `above` and lane `below` (lane ids)."""

    name: LineName
    above: str
    below: str


class Note(NamedTuple):
    """A piece of text with its place in the file (a pain point, an opportunity)."""

    text: str
    loc: Loc = NOWHERE
    dimension: Dimension | None = None   # a pain point's SERVQUAL dimension


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
    alongside: str | None = None   # the lane (same step) whose action this one happens together with
    auto: bool = True              # False: no automatic flow starts or ends here
    cost: float | None = None      # direct cost (fees, materials)


class Touchpoint(NamedTuple):
    name: str
    channel: str | None = None
    loc: Loc = NOWHERE
    moment: bool = False           # a moment of truth
    csat: float | None = None      # 1-5
    nps: int | None = None         # -100..100


class LaneScore(NamedTuple):
    """One customer lane's entry of an `emotion` mapping."""

    lane: str
    score: int
    loc: Loc = NOWHERE


class LaneText(NamedTuple):
    """One customer lane's entry of a `thinks` mapping."""

    lane: str
    text: str


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
    """One column. `emotion` is the step's score, or the lowest of an `emotion` mapping (then `emotions` holds
    the mapping, per customer lane in lane order); `thinks` is the text, or None when `thoughts` holds a mapping."""

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
    after: tuple[str, ...] | None = None   # step ids; None = the default (the previous step in file order)
    when: str | None = None
    chance: float | None = None            # 0 < chance <= 1; None = always (1)
    direction: Direction = Direction.DOWN
    emotions: tuple[LaneScore, ...] = ()
    thoughts: tuple[LaneText, ...] = ()

    def action(self, lane: str) -> Action | None:
        for action in self.actions:
            if action.lane == lane:
                return action
        return None

    @property
    def conditional(self) -> bool:
        """Whether the step happens only sometimes (it has `when` or a `chance` below 1)."""
        return self.when is not None or (self.chance is not None and self.chance < 1)

    @cached_property
    def groups(self) -> dict[str, str]:
        """Lane id -> the first lane (top to bottom) of its `alongside` group; lanes acting alone map to
        themselves. Members of one group act at the same time."""
        parent = {action.lane: action.lane for action in self.actions}

        def root(lane: str) -> str:
            while parent[lane] != lane:
                parent[lane] = parent[parent[lane]]
                lane = parent[lane]
            return lane

        order = {action.lane: index for index, action in enumerate(self.actions)}
        for action in self.actions:
            if action.alongside in parent:
                a, b = root(action.lane), root(action.alongside)
                parent[max(a, b, key=order.__getitem__)] = min(a, b, key=order.__getitem__)
        return {lane: root(lane) for lane in parent}

    def members(self, lane: str) -> tuple[str, ...]:
        """The lanes of the `alongside` group the action in `lane` belongs to (just `lane` when it acts alone)."""
        root = self.groups.get(lane, lane)
        return tuple(other for other, its_root in self.groups.items() if its_root == root)

    def together(self, a: str, b: str) -> bool:
        """Whether the actions in lanes a and b (both in this step) belong to one `alongside` group."""
        return a != b and self.groups.get(a, a) == self.groups.get(b, b)


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
    alongside: bool = False   # joins two members of one `alongside` group: a plain line, no timing, no cycle

    @property
    def automatic(self) -> bool:
        return self.origin in (FlowOrigin.TIME, FlowOrigin.SUPPORT)


class Persona(NamedTuple):
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
    currency: str | None = None
    overhead: float = 0            # indirect cost as a share of labour cost

    @cached_property
    def uses_after(self) -> bool:
        """Whether any step has an `after` key (then the blueprint marks the critical steps)."""
        return any(step.after is not None for step in self.steps)

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

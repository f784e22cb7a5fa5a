"""The input format (v1 and its 1.1 additions) as one table of keys: it checks files and writes the JSON Schema.

Each part of a file (a step, a lane, ...) is a `Spec` class whose `KEYS` say, for each key, what its value must
be (a `Kind`), its default and its description (the JSON Schema's, which editors show on completion). Checking a
value (`Kind.check`) returns it converted (text, numbers, enum members, Spec objects) or INVALID after telling the
`Check` what is wrong; `validate.py` turns that into located findings.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, KeysView
from enum import StrEnum
from typing import Any, ClassVar, NamedTuple, Protocol

from .durations import DURATION_PATTERN, parse_duration
from .findings import CODES, FLAG_CODES
from .loader import Path, SourcedFloat, SourcedInt
from .model import Dimension, Direction, FlowKind, LaneKind, LineName, Value

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*$"
REFERENCE_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z][A-Za-z0-9_-]*)?$"
SCHEMA_ID = "https://blueprint.example/schema/v1.json"
MAX_DURATION_S = 100 * 365 * 86400
INVALID: Any = object()       # what a check returns for a value it refused (after saying why)

_SCORE = "be a whole number from 1 to 5"
_AMOUNT = "be a number of 0 or more"
_YES_NO = "be true or false"
_DURATION = "be a duration: number-unit pairs without spaces, e.g. 45s, 5m, 1h30m, 1.5h, 2d"
_TEXTS = "be text, or a list of texts"
# What the value of each key must be, in people's words: a wrong type or a value out of range anywhere inside a
# key named here says this (keys not named here get the words of the kind of value, "title must be text")
MUST = {
    "emotion": "be a whole number from −2 to 2, or a mapping of customer lane ids to such numbers",
    "thinks": "be text, or a mapping of customer lane ids to text",
    "actions": "map lane ids to actions (lane: text, or lane: {text: ..., duration: ...})",
    "lanes": "be a list of lanes ({id, title, kind}) and line markers (line: interaction)",
    "stages": "be a list of stages ({id, title, steps})",
    "steps": "be a list of steps ({id, actions, ...})",
    "flows": "be a list of flows ({from, to, label, kind})",
    "rules": "map rule codes (P101, F203, ...) to off or a number",
    "after": "be a step id or a list of step ids",
    "chance": "be a number above 0 and at most 1 (the share of journeys in which the step happens)",
    "currency": "be three capital letters, e.g. EUR or CNY",
    "overhead": _AMOUNT + " (0.3 = 30 % of labour cost)",
    "rate": _AMOUNT + " (the cost of one hour of the lane's work)",
    "cost": _AMOUNT,
    "csat": "be a number from 1 to 5",
    "nps": "be a whole number from −100 to 100",
    "severity": _SCORE, "likelihood": _SCORE, "detection": _SCORE,
    "auto": _YES_NO, "chain": _YES_NO, "moment": _YES_NO, "auto_flows": _YES_NO,
    "duration": _DURATION, "expected": _DURATION, "tolerance": _DURATION,
    "pain": "be text, {text, dimension}, or a list of those",
    "opportunity": _TEXTS, "kpi": _TEXTS, "goals": "be a list of texts", "needs": "be a list of texts",
    "channels": "be a list of channel names",
    "touchpoint": "be text (its name) or {name, channel, moment, csat, nps}",
    "wait": "be a duration (5m) or {expected, tolerance}",
    "fail": "be text (what goes wrong) or {what, severity, likelihood, detection, mitigation}",
    "persona": "be a mapping: {name, about, goals, needs}",
}


class Check(Protocol):
    """Where a check reports what is wrong (validate.Checker)."""

    def wrong(self, path: Path, key: str | None, value: Any, words: str) -> None:
        """A value of the wrong type or out of range; `words` say what it must be when no MUST entry applies."""

    def problem(self, path: Path, message: str, code: str = "E004", kind: str = "invalid") -> None:
        """A problem worded in full."""

    def mapping(self, spec: type[Spec], value: dict[str, Any], path: Path, expanded: bool = False) -> Spec | Any:
        """The checked Spec of a mapping (every key checked, missing and unknown keys reported); `expanded`: made
        from a shorthand value, whose problems stand at the mapping's own place."""


def shown(value: Any) -> str:
    """A wrong value as the user wrote it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    return f"'{value}'" if isinstance(value, str) else str(value)


def _one_of(values: tuple[str, ...]) -> str:
    quoted = [f"'{value}'" for value in values]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


class Kind:
    """What a value must be: checks and converts it, and says it as JSON Schema."""

    def check(self, value: Any, path: Path, key: str | None, check: Check) -> Any:
        raise NotImplementedError

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError


class Text(Kind):
    """Text; numbers count as the text they were written as (`title: 2024` is "2024"), booleans never do."""

    def __init__(self, pattern: str | None = None, numbers: bool = True, examples: tuple[str, ...] = (),
                 after: Callable[[str, Path, Check], bool] | None = None, shown: dict[str, Any] | None = None):
        self.pattern = pattern
        self.matches = re.compile(pattern).search if pattern else None
        self.numbers = numbers
        self.examples = examples
        self.after = after          # a further check of the text; False when it refused it
        self.shown = shown          # the JSON Schema, when it says more than the check does

    def check(self, value: Any, path: Path, key: str | None, check: Check) -> Any:
        if isinstance(value, bool):
            word = "true" if value else "false"
            check.problem(path, f"{path[-1] if path else 'value'}: expected text, got {word}; quote it: \"{word}\"")
            return INVALID
        if isinstance(value, str):
            text = value
        elif self.numbers and isinstance(value, (int, float)):
            text = str(value)           # SourcedInt/SourcedFloat print as written
        else:
            check.wrong(path, key, value, "be text")
            return INVALID
        if self.matches is not None and not self.matches(text):
            if self.pattern == DURATION_PATTERN:
                check.problem(path, f"'{text}' is not a duration; write number-unit pairs without spaces, "
                                    "e.g. 45s, 5m, 1h30m, 1.5h, 2d", "E107")
            elif self.pattern == ID_PATTERN:
                check.problem(path, f"'{text}' is not a valid id: start with a letter, then letters, digits, "
                                    "'-' or '_'")
            else:
                check.wrong(path, key, value, f"match the pattern '{self.pattern}'")
            return INVALID
        if self.after is not None and not self.after(text, path, check):
            return INVALID
        return text

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        if self.shown is not None:
            return dict(self.shown)
        # a number is text as written (`title: 2024`): an editor must not flag it; ids and durations it fails
        schema: dict[str, Any] = {"type": ["string", "number"] if self.numbers and not self.pattern else "string"}
        if self.pattern:
            schema["pattern"] = self.pattern
        if self.examples:
            schema["examples"] = list(self.examples)
        return schema


def _duration_in_range(text: str, path: Path, check: Check) -> bool:
    seconds = parse_duration(text)
    if seconds is not None and seconds > MAX_DURATION_S:  # past this, sums of durations overflow to infinity
        check.problem(path, f"'{text}' is longer than 100 years; no step of a service takes that long", "E107")
        return False
    return True


class Number(Kind):
    """A number (whole when `whole`) within bounds; booleans are not numbers."""

    def __init__(self, whole: bool = False, minimum: float | None = None, above: float | None = None,
                 maximum: float | None = None):
        self.whole, self.minimum, self.above, self.maximum = whole, minimum, above, maximum

    def check(self, value: Any, path: Path, key: str | None, check: Check) -> Any:
        kinds = (int,) if self.whole else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds):
            check.wrong(path, key, value, "be a whole number" if self.whole else "be a number")
            return INVALID
        if not math.isfinite(value) or (self.minimum is not None and value < self.minimum) \
                or (self.above is not None and value <= self.above) \
                or (self.maximum is not None and value > self.maximum):
            check.wrong(path, key, value, "be a finite number within its range")
            return INVALID
        return int(value) if self.whole else float(value)

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "integer" if self.whole else "number"}
        for name, bound in (("minimum", self.minimum), ("exclusiveMinimum", self.above), ("maximum", self.maximum)):
            if bound is not None:
                schema[name] = bound
        return schema


class Boolean(Kind):
    def check(self, value: Any, path: Path, key: str | None, check: Check) -> Any:
        if not isinstance(value, bool):
            check.wrong(path, key, value, "be true or false")
            return INVALID
        return value

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"type": "boolean"}


class Choice(Kind):
    """One of a few words: an enum's values (giving its members), or plain words."""

    def __init__(self, choices: type[StrEnum] | tuple[str, ...]):
        self.enum = None if isinstance(choices, tuple) else choices
        self.words = choices if isinstance(choices, tuple) else tuple(member.value for member in choices)
        self.members: dict[str, Any] = {word: word for word in choices} if isinstance(choices, tuple) else \
            {member.value: member for member in choices}

    def check(self, value: Any, path: Path, key: str | None, check: Check) -> Any:
        if type(value) is not str or value not in self.members:
            check.wrong(path, key, value, f"be {_one_of(self.words)}, not {shown(value)}")
            return INVALID
        return self.members[value]

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        if self.enum is None:
            return {"enum": list(self.words), "type": "string"}
        defs[self.enum.__name__] = {"enum": list(self.words), "title": self.enum.__name__, "type": "string"}
        return {"$ref": f"#/$defs/{self.enum.__name__}"}


class ListOf(Kind):
    """A list of items; with `one_or_many`, a single item may stand for a list of one."""

    def __init__(self, item: Kind, one_or_many: bool = False, non_empty: bool = False):
        self.item, self.one_or_many, self.non_empty = item, one_or_many, non_empty

    def check(self, value: Any, path: Path, key: str | None, check: Check) -> Any:
        if not isinstance(value, list):
            if self.one_or_many:
                item = self.item.check(value, path, key, check)
                return INVALID if item is INVALID else [item]
            check.wrong(path, key, value, "be a list")
            return INVALID
        items = [self.item.check(item, path + (index,), key, check) for index, item in enumerate(value)]
        if any(item is INVALID for item in items):
            return INVALID
        if self.non_empty and not items:
            check.wrong(path, key, value, "not be empty")
            return INVALID
        return items

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        many: dict[str, Any] = {"items": self.item.schema(defs), "type": "array"}
        if self.non_empty:
            many["minItems"] = 1
        return {"anyOf": [self.item.schema(defs), many]} if self.one_or_many else many


class MappingOf(Kind):
    """A mapping of ids (lane ids, rule codes) to values."""

    def __init__(self, value: Kind, shown: dict[str, Any] | None = None):
        self.value, self.shown = value, shown

    def check(self, value: Any, path: Path, key: str | None, check: Check) -> Any:
        if not isinstance(value, dict):
            check.wrong(path, key, value, "be a mapping")
            return INVALID
        checked = {name: self.value.check(item, path + (name,), key, check) for name, item in value.items()}
        return INVALID if INVALID in checked.values() else checked

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        if self.shown is not None:
            return dict(self.shown)
        return {"additionalProperties": self.value.schema(defs), "type": "object"}


class Part(Kind):
    """A part of the file written as a mapping (a Spec); a shorthand Spec may also be written as one value."""

    def __init__(self, spec: type[Spec]):
        self.spec = spec

    def check(self, value: Any, path: Path, key: str | None, check: Check) -> Any:
        if self.spec.SHORTHAND and isinstance(value, (str, bool, SourcedInt, SourcedFloat)):
            return check.mapping(self.spec, {self.spec.SHORTHAND: value}, path, expanded=True)
        if not isinstance(value, dict):
            check.wrong(path, key, value, f"expected a mapping (a {self.spec.PART})")
            return INVALID
        return check.mapping(self.spec, value, path)

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        name = self.spec.__name__
        if name not in defs:
            defs[name] = {}       # reserve: a part may hold itself
            defs[name] = self.spec.json_schema(defs)
        return {"$ref": f"#/$defs/{name}"}


class Either(Kind):
    """One of two kinds, chosen by the value's shape (a mapping or not, a list or not, ...)."""

    def __init__(self, first: Kind, second: Kind, second_when: Callable[[Any], bool]):
        self.first, self.second, self.second_when = first, second, second_when

    def check(self, value: Any, path: Path, key: str | None, check: Check) -> Any:
        return (self.second if self.second_when(value) else self.first).check(value, path, key, check)

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"oneOf": [self.first.schema(defs), self.second.schema(defs)]}


class Version(Kind):
    """`blueprint: 1`, written as the number 1."""

    def check(self, value: Any, path: Path, key: str | None, check: Check) -> Any:
        if type(value) is not SourcedInt or value != 1:
            shown = getattr(value, "source", value)
            check.problem(path, f"blueprint: unsupported format version {shown!r}; this tool reads blueprint: 1",
                          "E010", "version")
            return INVALID
        return 1

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"const": 1}


class RuleSetting(Kind):
    """A rule's setting: off, or a number (its threshold)."""

    def check(self, value: Any, path: Path, key: str | None, check: Check) -> Any:
        if value == "off":
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
        check.wrong(path, key, value, "be 'off' or a number (its threshold)")
        return INVALID

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"anyOf": [{"const": "off"}, {"type": "number"}]}


class Key(NamedTuple):
    """One key of a part: its name in the file, what its value must be, its description and default."""

    name: str
    kind: Kind
    doc: str
    required: bool = False
    default: Any = None           # a value, or a callable making a fresh one (for [] and {})
    empty: bool = False           # whether an explicit empty value (`key:` with nothing) means the default
    attribute: str = ""           # the Spec attribute, when not the name (from -> source)

    def default_value(self) -> Any:
        return self.default() if callable(self.default) else self.default


def optional(name: str, kind: Kind, doc: str, *, default: Any = None, empty: bool | None = None,
             attribute: str = "") -> Key:
    """An optional key; by default an empty value stands for its absence when its default is None."""
    return Key(name, kind, doc, False, default, default is None if empty is None else empty, attribute or name)


def required(name: str, kind: Kind, doc: str) -> Key:
    return Key(name, kind, doc, True, None, False, name)


class Spec:
    """A checked part of the file, read-only: each key an attribute (its default when absent)."""

    PART: ClassVar[str] = ""                 # what users call it, for messages
    SHORTHAND: ClassVar[str] = ""            # the key a single value fills, for parts that may be one value
    KEYS: ClassVar[tuple[Key, ...]] = ()
    # from KEYS, for checking fast (a 10,000-step file has 90,000 parts)
    BY_NAME: ClassVar[dict[str, Key]]
    REQUIRED: ClassVar[tuple[Key, ...]]
    DEFAULTS: ClassVar[dict[str, Any]]                        # attribute -> default, for the immutable ones
    FRESH: ClassVar[tuple[tuple[str, Callable[[], Any]], ...]]  # attribute -> what makes a fresh [] or {}
    given: KeysView[str]                     # the keys the file gave (after a shorthand: that key)

    def __init_subclass__(cls) -> None:
        cls.BY_NAME = {k.name: k for k in cls.KEYS}
        cls.REQUIRED = tuple(k for k in cls.KEYS if k.required)
        cls.DEFAULTS = {k.attribute: k.default for k in cls.KEYS if not k.required and not callable(k.default)}
        cls.FRESH = tuple((k.attribute, k.default) for k in cls.KEYS if callable(k.default))

    @classmethod
    def made(cls, values: dict[str, Any], given: KeysView[str]) -> Spec:
        """The part holding `values` (every attribute), without a copy."""
        values["given"] = given
        part = cls.__new__(cls)
        object.__setattr__(part, "__dict__", values)
        return part

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __repr__(self) -> str:
        shown = ", ".join(f"{k.attribute}={getattr(self, k.attribute)!r}" for k in self.KEYS)
        return f"{type(self).__name__}({shown})"

    @classmethod
    def json_schema(cls, defs: dict[str, Any]) -> dict[str, Any]:
        properties = {}
        for k in cls.KEYS:
            value = k.kind.schema(defs)
            if k.empty:
                value = {"anyOf": [value, {"type": "null"}]}
            if not k.required:
                value["default"] = k.default_value()
            properties[k.name] = {**value, "description": k.doc}
        schema: dict[str, Any] = {"additionalProperties": False, "description": (cls.__doc__ or "").strip(),
                                  "properties": properties,
                                  "required": [k.name for k in cls.KEYS if k.required], "title": cls.__name__,
                                  "type": "object"}
        if not cls.SHORTHAND:
            return schema
        short = next(k for k in cls.KEYS if k.name == cls.SHORTHAND).kind.schema(defs)
        return {"anyOf": [{**short, "description": f"short for {{{cls.SHORTHAND}: ...}}"}, schema],
                "description": schema["description"], "title": cls.__name__}


TEXT = Text()
ID = Text(ID_PATTERN)
DURATION = Text(DURATION_PATTERN, examples=("45s", "5m", "1h30m", "1.5h", "2d"), after=_duration_in_range)
TEXTS = ListOf(TEXT, one_or_many=True)
SCORE = Number(whole=True, minimum=1, maximum=5)
EMOTION = Number(whole=True, minimum=-2, maximum=2)
AMOUNT = Number(minimum=0)
REFERENCE = Text(shown={"type": "string", "pattern": REFERENCE_PATTERN,
                        "description": "STEP.LANE (that action) or STEP (its first non-evidence action)"})
BOOLEAN = Boolean()


def _is_mapping(value: Any) -> bool:
    return isinstance(value, dict)


def _is_list(value: Any) -> bool:
    return isinstance(value, list)


def _is_line_marker(value: Any) -> bool:
    return isinstance(value, dict) and "line" in value


class PersonaSpec(Spec):
    """Who the journey is for."""

    PART = "persona"
    name: str
    about: str | None
    goals: list[str]
    needs: list[str]
    KEYS = (required("name", TEXT, "The persona's name."),
            optional("about", TEXT, "Who they are, in a sentence."),
            optional("goals", ListOf(TEXT), "What they want from the service.", default=list),
            optional("needs", ListOf(TEXT), "What they need to get it.", default=list))


class LaneSpec(Spec):
    """A swimlane; `kind` may come from the line markers around it."""

    PART = "lane"
    id: str
    title: str | None
    kind: LaneKind | None
    chain: bool | None
    rate: float | None
    KEYS = (required("id", ID, "The lane's id, used as the key of actions in steps."),
            optional("title", TEXT, "The lane's heading; default: its id."),
            optional("kind", Choice(LaneKind), "evidence, customer, frontstage, backstage or support; may come from "
                "the line markers around the lane."),
            optional("chain", BOOLEAN, "Whether each action in this lane leads to the next action in this lane, in "
                "step order (the time rule); default true for customer lanes, false for the others. Not on "
                "evidence lanes."),
            optional("rate", AMOUNT, "Cost of one hour of this lane's work, in `currency`."))


class LineMarkerSpec(Spec):
    """Where a line stands in the lane list; it must agree with the lane kinds."""

    PART = "line marker"
    line: LineName
    KEYS = (required("line", Choice(LineName), "interaction, visibility or internal: the line that stands here."),)


class FailSpec(Spec):
    """A fail point: what can go wrong, how badly, how likely, how detectable."""

    PART = "fail point"
    SHORTHAND = "what"
    what: str
    severity: int | None
    likelihood: int | None
    detection: int | None
    mitigation: str | None
    KEYS = (required("what", TEXT, "What goes wrong."),
            optional("severity", SCORE, "How bad it is, 1 (slight) to 5 (severe)."),
            optional("likelihood", SCORE, "How likely it is, 1 (rare) to 5 (frequent)."),
            optional("detection", SCORE, "How hard it is to notice in time, 1 (at once) to 5 (not at all)."),
            optional("mitigation", TEXT, "What prevents it or limits the harm."))


class ActionSpec(Spec):
    """What happens in one lane in one step."""

    PART = "action"
    SHORTHAND = "text"
    text: str
    duration: str | None
    value: Value | None
    fail: FailSpec | None
    owner: str | None
    to: list[str]
    alongside: str | None
    auto: bool
    cost: float | None
    KEYS = (required("text", TEXT, "What happens."),
            optional("duration", DURATION, "Processing time: number-unit pairs without spaces (45s, 5m, 1h30m, "
                "1.5h, 2d)."),
            optional("value", Choice(Value), "Lean class: customer (value-adding), business (necessary for the "
                "business), none (waste)."),
            optional("fail", Part(FailSpec), "A fail point: what can go wrong here."),
            optional("owner", TEXT, "The team or role that does it."),
            optional("to", ListOf(REFERENCE, one_or_many=True), "Extra request arrows from this action: STEP.LANE or "
                "STEP, one or a list.", default=list),
            optional("alongside", ID, "A lane of the same step whose action happens at the same time as this one "
                "(people acting together): the group counts once in the step's time."),
            optional("auto", BOOLEAN, "false: no automatic flow starts or ends at this action.", default=True),
            optional("cost", AMOUNT, "The action's direct cost (fees, materials, postage), in `currency`."))


class TouchpointSpec(Spec):
    """Where the customer meets the service."""

    PART = "touchpoint"
    SHORTHAND = "name"
    name: str
    channel: str | None
    moment: bool
    csat: float | None
    nps: int | None
    KEYS = (required("name", TEXT, "Where the customer meets the service."),
            optional("channel", TEXT, "How: in-person, web, phone, ...; one of `channels` when that is given."),
            optional("moment", BOOLEAN, "true: a moment of truth, a touchpoint that decides how the customer judges "
                "the service.", default=False),
            optional("csat", Number(minimum=1, maximum=5), "The average customer satisfaction score, 1 to 5."),
            optional("nps", Number(whole=True, minimum=-100, maximum=100), "The net promoter score, a whole number "
                "from -100 to 100."))


class WaitSpec(Spec):
    """How long the customer waits before the step, and how long they tolerate."""

    PART = "wait"
    SHORTHAND = "expected"
    expected: str
    tolerance: str | None
    KEYS = (required("expected", DURATION, "How long the customer waits."),
            optional("tolerance", DURATION, "How long they are willing to wait."))


class PainSpec(Spec):
    """A pain point: its text, and which SERVQUAL dimension it concerns."""

    PART = "pain point"
    SHORTHAND = "text"
    text: str
    dimension: Dimension | None
    KEYS = (required("text", TEXT, "What hurts."),
            optional("dimension", Choice(Dimension), "tangibles, reliability, responsiveness, assurance or empathy."))


class StepSpec(Spec):
    """One column of the journey and the blueprint."""

    PART = "step"
    id: str
    title: str | None
    actions: dict[str, ActionSpec]
    touchpoint: TouchpointSpec | None
    emotion: int | dict[str, int] | None
    thinks: str | dict[str, str] | None
    pain: PainSpec | list[PainSpec]
    opportunity: list[str]
    wait: WaitSpec | None
    after: list[str] | None
    when: str | None
    chance: float | None
    direction: Direction
    KEYS = (required("id", ID, "The step's id (unique among stages and steps)."),
            optional("title", TEXT, "The column heading; default: the text of its first customer action, else the "
                "id."),
            optional("actions", MappingOf(Part(ActionSpec)), "What happens in each lane: lane id -> action (text, or "
                "a mapping with text, duration, value, ...).", default=dict),
            optional("touchpoint", Part(TouchpointSpec), "Where the customer meets the service."),
            optional("emotion", Either(EMOTION, MappingOf(EMOTION), _is_mapping), "How the customer feels, a whole "
                "number from -2 (very negative) to 2 (very positive); or a mapping customer lane id -> such a "
                "number, one per customer."),
            optional("thinks", Either(TEXT, MappingOf(TEXT), _is_mapping), "The customer's thoughts; or a mapping "
                "customer lane id -> thoughts."),
            optional("pain", Either(Part(PainSpec), ListOf(Part(PainSpec)), _is_list), "Pain points: text, or "
                "{text, dimension}; one or a list.", default=list),
            optional("opportunity", TEXTS, "Improvement ideas, one or a list.", default=list),
            optional("wait", Part(WaitSpec), "How long the customer waits before this step (a wait point): a "
                "duration or {expected, tolerance}."),
            optional("after", ListOf(ID, one_or_many=True), "The steps that must finish before this one starts (a "
                "step id or a list); default: the previous step in file order; [] starts at time 0."),
            optional("when", TEXT, "The condition under which the step happens (\"room not ready\")."),
            optional("chance", Number(above=0, maximum=1), "The share of journeys in which the step happens, above 0 "
                "and at most 1; default 1."),
            optional("direction", Choice(Direction), "down (default) or up: up runs the step's automatic support "
                "flows upwards (a system reaching the customer).", default=Direction.DOWN))


class StageSpec(Spec):
    """A phase of the journey."""

    PART = "stage"
    id: str
    title: str
    goal: str | None
    kpi: list[str]
    steps: list[StepSpec]
    KEYS = (required("id", ID, "The stage's id (unique among stages and steps)."),
            required("title", TEXT, "The stage's heading."),
            optional("goal", TEXT, "What the customer wants from this stage."),
            optional("kpi", TEXTS, "How the stage is measured, one or a list.", default=list),
            required("steps", ListOf(Part(StepSpec), non_empty=True), "The stage's steps, in file order."))


class FlowSpec(Spec):
    """An arrow beyond the automatic ones."""

    PART = "flow"
    source: str
    to: str
    label: str | None
    kind: FlowKind
    KEYS = (Key("from", REFERENCE, "Where the arrow starts: STEP.LANE or STEP.", True, None, False, "source"),
            required("to", REFERENCE, "Where the arrow ends: STEP.LANE or STEP."),
            optional("label", TEXT, "Text on the arrow."),
            optional("kind", Choice(FlowKind), "request (default; counts in metrics), data (information back, dotted) "
                "or return (rework, dashed).", default=FlowKind.REQUEST))


_RULES_SCHEMA = {
    "type": "object",
    "properties": {code: {"anyOf": [{"const": "off"}, {"type": "number"}],
                          "description": f"{CODES[code].title}"
                          + (f" (default threshold {CODES[code].threshold:g})"
                             if CODES[code].threshold is not None else "")}
                   for code in FLAG_CODES},
    "additionalProperties": False,
}


class ServiceSpec(Spec):
    """A service: its journey and the blueprint that delivers it (format v1)."""

    PART = "file"
    blueprint: int
    title: str
    summary: str | None
    lang: str
    persona: PersonaSpec | None
    lanes: list[LaneSpec | LineMarkerSpec] | None
    channels: list[str] | None
    stages: list[StageSpec]
    flows: list[FlowSpec]
    auto_flows: bool
    rules: dict[str, float | str]
    currency: str | None
    overhead: float
    KEYS = (required("blueprint", Version(), "The format version: 1."),
            required("title", TEXT, "The service's name."),
            optional("summary", TEXT, "One paragraph about the service."),
            optional("lang", Choice(("en", "zh")), "Language of default lane titles, legends and report headings.",
                default="en"),
            optional("persona", Part(PersonaSpec), "Who the journey is for."),
            optional("lanes", ListOf(Either(Part(LaneSpec), Part(LineMarkerSpec), _is_line_marker), non_empty=True),
                "The swimlanes top to bottom, with optional line markers; absent: the five canonical lanes."),
            optional("channels", ListOf(TEXT), "When given, every touchpoint channel must be one of these."),
            required("stages", ListOf(Part(StageSpec), non_empty=True), "The journey's phases, in time order."),
            optional("flows", ListOf(Part(FlowSpec)), "Arrows beyond the automatic ones.", default=list),
            optional("auto_flows", BOOLEAN, "Draw and count the automatic flows (false also turns every lane's chain "
                "off).", default=True),
            optional("rules", MappingOf(RuleSetting(), shown=_RULES_SCHEMA), "Turn a flag off ('off') or set its "
                "threshold (a number).", default=dict),
            optional("currency", Text(r"^[A-Z]{3}$", numbers=False, examples=("EUR", "CNY", "USD")), "The unit of "
                "every cost: three capital letters (EUR, CNY)."),
            optional("overhead", AMOUNT, "Indirect cost as a share of labour cost (0.3 = 30 %).", default=0))


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of format v1, for editors and other tools."""
    defs: dict[str, Any] = {}
    schema = ServiceSpec.json_schema(defs)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            "title": "blueprint service file, format v1 (with the 1.1 additions)",
            "$defs": dict(sorted(defs.items())), **{k: v for k, v in schema.items() if k != "title"}}

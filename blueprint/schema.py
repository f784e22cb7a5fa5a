"""The input format (v1 and its 1.1 additions) as pydantic models: one definition for validation and the JSON Schema.

Each field's docstring is its description in the JSON Schema (editors show it on completion)."""
from __future__ import annotations

import math
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Discriminator, Field,
                      GetJsonSchemaHandler,
                      Tag, WithJsonSchema, model_validator)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from .durations import DURATION_PATTERN, parse_duration
from .findings import CODES, FLAG_CODES
from .loader import SourcedFloat, SourcedInt
from .model import Dimension, Direction, FlowKind, LaneKind, LineName, Value

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*$"
SCHEMA_ID = "https://blueprint.example/schema/v1.json"
MAX_DURATION_S = 100 * 365 * 86400


def _version(value: Any) -> Any:
    if type(value) is not SourcedInt or value != 1:
        shown = getattr(value, "source", value)
        raise PydanticCustomError("version", f"unsupported format version {shown!r}; this tool reads blueprint: 1")
    return 1


def _duration_in_range(value: str) -> str:
    seconds = parse_duration(value)
    if seconds is not None and seconds > MAX_DURATION_S:  # past this, sums of durations overflow to infinity
        raise PydanticCustomError("duration_range", "'{input}' is longer than 100 years", {"input": value})
    return value


def _one_or_many(value: Any) -> Any:
    return [value] if not isinstance(value, list) else value


def _rule_value(value: Any) -> Any:
    if value == "off":
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    raise PydanticCustomError("rule_value", "a rule is 'off' or a number (its threshold)")


# Numbers written where text is expected keep their text as written (the loader's SourcedInt/Float
# print as their source); booleans are refused, and the message says to quote them.
Text = Annotated[str, Field(strict=False, coerce_numbers_to_str=True)]
Id = Annotated[str, Field(strict=False, coerce_numbers_to_str=True, pattern=ID_PATTERN)]
Duration = Annotated[str, Field(strict=False, coerce_numbers_to_str=True, pattern=DURATION_PATTERN,
                                examples=["45s", "5m", "1h30m", "1.5h", "2d"]), AfterValidator(_duration_in_range)]
TextList = Annotated[list[Text], BeforeValidator(_one_or_many),
                     WithJsonSchema({"anyOf": [{"type": "string"},
                                               {"type": "array", "items": {"type": "string"}}]})]
Score = Annotated[int, Field(ge=1, le=5)]
Emotion = Annotated[int, Field(ge=-2, le=2)]
Amount = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Chance = Annotated[float, Field(gt=0, le=1)]
Csat = Annotated[float, Field(ge=1, le=5)]
Nps = Annotated[int, Field(ge=-100, le=100)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["EUR", "CNY", "USD"])]
_REFERENCE_SCHEMA = {"type": "string", "pattern": r"^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z][A-Za-z0-9_-]*)?$",
                     "description": "STEP.LANE (that action) or STEP (its first non-evidence action)"}
Reference = Annotated[Text, WithJsonSchema(_REFERENCE_SCHEMA)]
LaneKindName = Annotated[LaneKind, Field(strict=False)]
LineNameValue = Annotated[LineName, Field(strict=False)]
ValueClass = Annotated[Value, Field(strict=False)]
FlowKindName = Annotated[FlowKind, Field(strict=False)]
DirectionName = Annotated[Direction, Field(strict=False)]
DimensionName = Annotated[Dimension, Field(strict=False)]


ONE, BY_LANE, MANY = "one", "by-lane", "many"   # tags of the one-or-more unions below


def _one_or_by_lane(value: Any) -> str:
    """A value given once for the step, or as a mapping customer lane id -> value."""
    return BY_LANE if isinstance(value, dict) else ONE
RuleValue = Annotated[float | str, BeforeValidator(_rule_value),
                      WithJsonSchema({"anyOf": [{"const": "off"}, {"type": "number"}]})]


def _empty(factory: type[list[Any]] | type[dict[str, Any]]) -> Any:
    """An empty default made fresh for each model (pydantic deep-copies a shared `[]` every time: slow)."""
    return Field(default_factory=factory, json_schema_extra={"default": factory()})


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=False,
                              use_attribute_docstrings=True)


class Shorthand(Spec):
    """A mapping that may also be written as one string: that string fills `shorthand_field`."""

    shorthand_field: ClassVar[str] = ""

    @model_validator(mode="before")
    @classmethod
    def _expand(cls, value: Any) -> Any:
        if isinstance(value, (str, bool, SourcedInt, SourcedFloat)):
            return {cls.shorthand_field: value}
        return value

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: core_schema.CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        json_schema = handler(schema)
        shown: dict[str, Any] = {key: json_schema[key] for key in ("title", "description") if key in json_schema}
        return {**shown, "anyOf": [{"type": "string", "description": f"short for {{{cls.shorthand_field}: ...}}"},
                                   json_schema]}


class PersonaSpec(Spec):
    """Who the journey is for."""

    name: Text
    """The persona's name."""
    about: Text | None = None
    """Who they are, in a sentence."""
    goals: list[Text] = _empty(list)
    """What they want from the service."""
    needs: list[Text] = _empty(list)
    """What they need to get it."""


class LaneSpec(Spec):
    """A swimlane; `kind` may come from the line markers around it."""

    id: Id
    """The lane's id, used as the key of actions in steps."""
    title: Text | None = None
    """The lane's heading; default: its id."""
    kind: LaneKindName | None = None
    """evidence, customer, frontstage, backstage or support; may come from the line markers around the lane."""
    chain: bool | None = None
    """Whether each action in this lane leads to the next action in this lane, in step order (the time rule);
    default true for customer lanes, false for the others. Not on evidence lanes."""
    rate: Amount | None = None
    """Cost of one hour of this lane's work, in `currency`."""


class LineMarkerSpec(Spec):
    """Where a line stands in the lane list; it must agree with the lane kinds."""

    line: LineNameValue
    """interaction, visibility or internal: the line that stands here."""


LANE_ENTRY_TAGS = ("lane-entry", "line-marker")
UNION_TAGS = (*LANE_ENTRY_TAGS, ONE, BY_LANE, MANY)   # parts of pydantic's error locations that name no data


def _lane_entry_tag(value: Any) -> str:
    return LANE_ENTRY_TAGS[1] if isinstance(value, dict) and "line" in value else LANE_ENTRY_TAGS[0]


LaneEntry = Annotated[Annotated[LaneSpec, Tag(LANE_ENTRY_TAGS[0])] | Annotated[LineMarkerSpec, Tag(LANE_ENTRY_TAGS[1])],
                      Discriminator(_lane_entry_tag)]

# what users call each part, for messages
PART_NAMES = {"ServiceSpec": "file", "PersonaSpec": "persona", "LaneSpec": "lane", "LineMarkerSpec": "line marker",
              "FailSpec": "fail point", "ActionSpec": "action", "TouchpointSpec": "touchpoint", "WaitSpec": "wait",
              "PainSpec": "pain point",
              "StepSpec": "step", "StageSpec": "stage", "FlowSpec": "flow"}


class FailSpec(Shorthand):
    """A fail point: what can go wrong, how badly, how likely, how detectable."""

    shorthand_field = "what"
    what: Text
    """What goes wrong."""
    severity: Score | None = None
    """How bad it is, 1 (slight) to 5 (severe)."""
    likelihood: Score | None = None
    """How likely it is, 1 (rare) to 5 (frequent)."""
    detection: Score | None = None
    """How hard it is to notice in time, 1 (at once) to 5 (not at all)."""
    mitigation: Text | None = None
    """What prevents it or limits the harm."""


class ActionSpec(Shorthand):
    """What happens in one lane in one step."""

    shorthand_field = "text"
    text: Text
    """What happens."""
    duration: Duration | None = None
    """Processing time: number-unit pairs without spaces (45s, 5m, 1h30m, 1.5h, 2d)."""
    value: ValueClass | None = None
    """Lean class: customer (value-adding), business (necessary for the business), none (waste)."""
    fail: FailSpec | None = None
    """A fail point: what can go wrong here."""
    owner: Text | None = None
    """The team or role that does it."""
    to: Annotated[list[Reference], BeforeValidator(_one_or_many),
                  WithJsonSchema({"anyOf": [_REFERENCE_SCHEMA,
                                            {"type": "array", "items": _REFERENCE_SCHEMA}]})] = _empty(list)
    """Extra request arrows from this action: STEP.LANE or STEP, one or a list."""
    alongside: Id | None = None
    """A lane of the same step whose action happens at the same time as this one (people acting together):
    the group counts once in the step's time."""
    auto: bool = True
    """false: no automatic flow starts or ends at this action."""
    cost: Amount | None = None
    """The action's direct cost (fees, materials, postage), in `currency`."""


class TouchpointSpec(Shorthand):
    """Where the customer meets the service."""

    shorthand_field = "name"
    name: Text
    """Where the customer meets the service."""
    channel: Text | None = None
    """How: in-person, web, phone, ...; one of `channels` when that is given."""
    moment: bool = False
    """true: a moment of truth, a touchpoint that decides how the customer judges the service."""
    csat: Csat | None = None
    """The average customer satisfaction score, 1 to 5."""
    nps: Nps | None = None
    """The net promoter score, a whole number from -100 to 100."""


class WaitSpec(Shorthand):
    """How long the customer waits before the step, and how long they tolerate."""

    shorthand_field = "expected"
    expected: Duration
    """How long the customer waits."""
    tolerance: Duration | None = None
    """How long they are willing to wait."""


class PainSpec(Shorthand):
    """A pain point: its text, and which SERVQUAL dimension it concerns."""

    shorthand_field = "text"
    text: Text
    """What hurts."""
    dimension: DimensionName | None = None
    """tangibles, reliability, responsiveness, assurance or empathy."""


Pains = Annotated[Annotated[PainSpec, Tag(ONE)] | Annotated[list[PainSpec], Tag(MANY)],
                  Discriminator(lambda value: MANY if isinstance(value, list) else ONE)]

class StepSpec(Spec):
    """One column of the journey and the blueprint."""

    id: Id
    """The step's id (unique among stages and steps)."""
    title: Text | None = None
    """The column heading; default: the text of its first customer action, else the id."""
    actions: dict[str, ActionSpec] = _empty(dict)
    """What happens in each lane: lane id -> action (text, or a mapping with text, duration, value, ...)."""
    touchpoint: TouchpointSpec | None = None
    """Where the customer meets the service."""
    emotion: Annotated[Annotated[Emotion, Tag(ONE)] | Annotated[dict[str, Emotion], Tag(BY_LANE)],
                       Discriminator(_one_or_by_lane)] | None = None
    """How the customer feels, a whole number from -2 (very negative) to 2 (very positive); or a mapping
    customer lane id -> such a number, one per customer."""
    thinks: Annotated[Annotated[Text, Tag(ONE)] | Annotated[dict[str, Text], Tag(BY_LANE)],
                      Discriminator(_one_or_by_lane)] | None = None
    """The customer's thoughts; or a mapping customer lane id -> thoughts."""
    pain: Pains = _empty(list)
    """Pain points: text, or {text, dimension}; one or a list."""
    opportunity: TextList = _empty(list)
    """Improvement ideas, one or a list."""
    wait: WaitSpec | None = None
    """How long the customer waits before this step (a wait point): a duration or {expected, tolerance}."""
    after: Annotated[list[Id], BeforeValidator(_one_or_many),
                     WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]})
                     ] | None = None
    """The steps that must finish before this one starts (a step id or a list); default: the previous step in
    file order; [] starts at time 0."""
    when: Text | None = None
    """The condition under which the step happens ("room not ready")."""
    chance: Chance | None = None
    """The share of journeys in which the step happens, above 0 and at most 1; default 1."""
    direction: DirectionName = Direction.DOWN
    """down (default) or up: up runs the step's automatic support flows upwards (a system reaching the customer)."""


class StageSpec(Spec):
    """A phase of the journey."""

    id: Id
    """The stage's id (unique among stages and steps)."""
    title: Text
    """The stage's heading."""
    goal: Text | None = None
    """What the customer wants from this stage."""
    kpi: TextList = _empty(list)
    """How the stage is measured, one or a list."""
    steps: Annotated[list[StepSpec], Field(min_length=1)]
    """The stage's steps, in file order."""


class FlowSpec(Spec):
    """An arrow beyond the automatic ones."""

    source: Reference = Field(alias="from", description="Where the arrow starts: STEP.LANE or STEP.")
    to: Reference
    """Where the arrow ends: STEP.LANE or STEP."""
    label: Text | None = None
    """Text on the arrow."""
    kind: FlowKindName = FlowKind.REQUEST
    """request (default; counts in metrics), data (information back, dotted) or return (rework, dashed)."""


_RULES_SCHEMA = {
    "type": "object",
    "description": "Turn a flag off ('off') or set its threshold (a number).",
    "properties": {code: {"anyOf": [{"const": "off"}, {"type": "number"}],
                          "description": f"{CODES[code].title}"
                          + (f" (default threshold {CODES[code].threshold:g})"
                             if CODES[code].threshold is not None else "")}
                   for code in FLAG_CODES},
    "additionalProperties": False,
}


class ServiceSpec(Spec):
    """A service: its journey and the blueprint that delivers it (format v1)."""

    blueprint: Annotated[int, BeforeValidator(_version), WithJsonSchema({"const": 1})]
    """The format version: 1."""
    title: Text
    """The service's name."""
    summary: Text | None = None
    """One paragraph about the service."""
    lang: Literal["en", "zh"] = "en"
    """Language of default lane titles, legends and report headings."""
    persona: PersonaSpec | None = None
    """Who the journey is for."""
    lanes: Annotated[list[LaneEntry], Field(min_length=1)] | None = None
    """The swimlanes top to bottom, with optional line markers; absent: the five canonical lanes."""
    channels: list[Text] | None = None
    """When given, every touchpoint channel must be one of these."""
    stages: Annotated[list[StageSpec], Field(min_length=1)]
    """The journey's phases, in time order."""
    flows: list[FlowSpec] = _empty(list)
    """Arrows beyond the automatic ones."""
    auto_flows: bool = True
    """Draw and count the automatic flows (false also turns every lane's chain off)."""
    rules: Annotated[dict[str, RuleValue], WithJsonSchema(_RULES_SCHEMA)] = {}
    """Turn a flag off ('off') or set its threshold (a number)."""
    currency: Currency | None = None
    """The unit of every cost: three capital letters (EUR, CNY)."""
    overhead: Amount = 0
    """Indirect cost as a share of labour cost (0.3 = 30 %)."""


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of format v1, for editors and other tools."""
    schema = ServiceSpec.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            "title": "blueprint service file, format v1 (with the 1.1 additions)", **schema}

"""The input format v1 as pydantic models: one definition for validation and the JSON Schema."""
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
from .model import FlowKind, LaneKind, LineName, Value

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
_REFERENCE_SCHEMA = {"type": "string", "pattern": r"^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z][A-Za-z0-9_-]*)?$",
                     "description": "STEP.LANE (that action) or STEP (its first non-evidence action)"}
Reference = Annotated[Text, WithJsonSchema(_REFERENCE_SCHEMA)]
LaneKindName = Annotated[LaneKind, Field(strict=False)]
LineNameValue = Annotated[LineName, Field(strict=False)]
ValueClass = Annotated[Value, Field(strict=False)]
FlowKindName = Annotated[FlowKind, Field(strict=False)]
RuleValue = Annotated[float | str, BeforeValidator(_rule_value),
                      WithJsonSchema({"anyOf": [{"const": "off"}, {"type": "number"}]})]


def _empty(factory: type[list[Any]] | type[dict[str, Any]]) -> Any:
    """An empty default made fresh for each model (pydantic deep-copies a shared `[]` every time: slow)."""
    return Field(default_factory=factory, json_schema_extra={"default": factory()})


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=False)


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
    about: Text | None = None
    goals: list[Text] = _empty(list)
    needs: list[Text] = _empty(list)


class LaneSpec(Spec):
    """A swimlane; `kind` may come from the line markers around it."""

    id: Id
    title: Text | None = None
    kind: LaneKindName | None = None


class LineMarkerSpec(Spec):
    """Where a line stands in the lane list; it must agree with the lane kinds."""

    line: LineNameValue


LANE_ENTRY_TAGS = ("lane-entry", "line-marker")


def _lane_entry_tag(value: Any) -> str:
    return LANE_ENTRY_TAGS[1] if isinstance(value, dict) and "line" in value else LANE_ENTRY_TAGS[0]


LaneEntry = Annotated[Annotated[LaneSpec, Tag(LANE_ENTRY_TAGS[0])] | Annotated[LineMarkerSpec, Tag(LANE_ENTRY_TAGS[1])],
                      Discriminator(_lane_entry_tag)]

# what users call each part, for messages
PART_NAMES = {"ServiceSpec": "file", "PersonaSpec": "persona", "LaneSpec": "lane", "LineMarkerSpec": "line marker",
              "FailSpec": "fail point", "ActionSpec": "action", "TouchpointSpec": "touchpoint", "WaitSpec": "wait",
              "StepSpec": "step", "StageSpec": "stage", "FlowSpec": "flow"}


class FailSpec(Shorthand):
    """A fail point: what can go wrong, how badly, how likely, how detectable."""

    shorthand_field = "what"
    what: Text
    severity: Score | None = None
    likelihood: Score | None = None
    detection: Score | None = None
    mitigation: Text | None = None


class ActionSpec(Shorthand):
    """What happens in one lane in one step."""

    shorthand_field = "text"
    text: Text
    duration: Duration | None = None
    value: ValueClass | None = None
    fail: FailSpec | None = None
    owner: Text | None = None
    to: Annotated[list[Reference], BeforeValidator(_one_or_many),
                  WithJsonSchema({"anyOf": [_REFERENCE_SCHEMA,
                                            {"type": "array", "items": _REFERENCE_SCHEMA}]})] = _empty(list)


class TouchpointSpec(Shorthand):
    """Where the customer meets the service."""

    shorthand_field = "name"
    name: Text
    channel: Text | None = None


class WaitSpec(Shorthand):
    """How long the customer waits before the step, and how long they tolerate."""

    shorthand_field = "expected"
    expected: Duration
    tolerance: Duration | None = None


class StepSpec(Spec):
    """One column of the journey and the blueprint."""

    id: Id
    title: Text | None = None
    actions: dict[str, ActionSpec] = _empty(dict)
    touchpoint: TouchpointSpec | None = None
    emotion: Annotated[int, Field(ge=-2, le=2)] | None = None
    thinks: Text | None = None
    pain: TextList = _empty(list)
    opportunity: TextList = _empty(list)
    wait: WaitSpec | None = None


class StageSpec(Spec):
    """A phase of the journey."""

    id: Id
    title: Text
    goal: Text | None = None
    kpi: TextList = _empty(list)
    steps: Annotated[list[StepSpec], Field(min_length=1)]


class FlowSpec(Spec):
    """An arrow beyond the automatic ones."""

    source: Reference = Field(alias="from")
    to: Reference
    label: Text | None = None
    kind: FlowKindName = FlowKind.REQUEST


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
    title: Text
    summary: Text | None = None
    lang: Literal["en", "zh"] = "en"
    persona: PersonaSpec | None = None
    lanes: Annotated[list[LaneEntry], Field(min_length=1)] | None = None
    channels: list[Text] | None = None
    stages: Annotated[list[StageSpec], Field(min_length=1)]
    flows: list[FlowSpec] = _empty(list)
    auto_flows: bool = True
    rules: Annotated[dict[str, RuleValue], WithJsonSchema(_RULES_SCHEMA)] = {}


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of format v1, for editors and other tools."""
    schema = ServiceSpec.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            "title": "blueprint service file, format v1", **schema}

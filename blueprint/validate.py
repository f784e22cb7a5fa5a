"""Validate loaded data against the format's schema; turn pydantic's errors into located findings."""
from __future__ import annotations

import copy
import re
import difflib
import types
import typing
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from .findings import Finding
from .loader import Locations, Path
from .durations import DURATION_PATTERN
from .schema import ID_PATTERN, PART_NAMES, UNION_TAGS, ServiceSpec

_CODE_BY_TYPE = {"extra_forbidden": "E003", "missing": "E005", "version": "E010", "duration_range": "E107"}
_MAX_SALVAGE_ROUNDS = 8
_MAX_HINTS = 200
_MAX_CHOICES = 2000
_TAGS = set(UNION_TAGS)
_INSTANCE_OF = re.compile(r"Input should be a valid dictionary or instance of (\w+)")
_SCORE = "be a whole number from 1 to 5"
_AMOUNT = "be a number of 0 or more"
_YES_NO = "be true or false"
_DURATION = "be a duration: number-unit pairs without spaces, e.g. 45s, 5m, 1h30m, 1.5h, 2d"
_TEXTS = "be text, or a list of texts"
# What each key must be, in people's words (a wrong type or a value out of range says this, never pydantic's words)
_MUST = {
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
# pydantic's words for the rest, translated
_PLAIN = (("Input should be a valid dictionary", "must be a mapping"),
          ("Input should be a valid string", "must be text"),
          ("Input should be a valid integer", "must be a whole number"),
          ("Input should be a valid number", "must be a number"),
          ("Input should be a valid list", "must be a list"),
          ("Input should be a valid boolean", "must be true or false"),
          ("Input should be", "must be"), ("String should have at least 1 character", "must not be empty"),
          ("List should have at least 1 item after validation, not 0", "must not be empty"),
          ("String should match pattern", "must match the pattern"))


def closest(word: str, choices: typing.Iterable[str]) -> str | None:
    """The choice closest to `word` when one is close enough (none among too many choices)."""
    candidates = sorted(choices)
    if len(candidates) > _MAX_CHOICES:
        return None
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return close[0] if close else None


def suggest(word: str, choices: typing.Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' hint when one choice is close to `word`."""
    close = closest(word, choices)
    return f" (did you mean '{close}'?)" if close else ""


class Suggester:
    """`suggest` for one file, at most _MAX_HINTS times: difflib is slow, and a file with 100,000 misspelt
    keys or references would otherwise take minutes for hints nobody reads."""

    def __init__(self) -> None:
        self.left = _MAX_HINTS

    def __call__(self, word: str, choices: typing.Iterable[str]) -> str:
        if self.left <= 0:
            return ""
        self.left -= 1
        return suggest(word, choices)


def unwrap(annotation: Any) -> Any:
    """Look through Annotated and `X | None`."""
    while True:
        args = typing.get_args(annotation)
        if typing.get_origin(annotation) is typing.Annotated:
            annotation = args[0]
        elif typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in args \
                and len(args) == 2:
            annotation = next(arg for arg in args if arg is not type(None))
        else:
            return annotation


def models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation can hold directly (through unions and Annotated)."""
    annotation = unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [model for arg in typing.get_args(annotation) for model in models_in(arg)]
    return []


def fields_of(model: type[BaseModel]) -> dict[str, Any]:
    return {(info.alias or name): info for name, info in model.model_fields.items()}


def _arm(annotation: Any, node: Any) -> Any:
    """Of a union of a scalar or model and a list or mapping of them, the arm that holds `node`."""
    inner = unwrap(annotation)
    if typing.get_origin(inner) in (typing.Union, types.UnionType):
        for arg in typing.get_args(inner):
            origin = typing.get_origin(unwrap(arg))
            if (origin is list and isinstance(node, list)) or (origin is dict and isinstance(node, dict)):
                return arg
    return annotation


def model_at(data: Any, path: Path) -> type[BaseModel] | None:
    """The model that validates the mapping at `path`."""
    annotation: Any = ServiceSpec
    node = data
    for part in path:
        annotation = _arm(annotation, node)
        origin = typing.get_origin(unwrap(annotation))
        if origin in (list, dict):
            annotation = typing.get_args(unwrap(annotation))[-1]
        else:
            model = _pick(models_in(annotation), node)
            if model is None or part not in fields_of(model):
                return None
            annotation = fields_of(model)[part].annotation
        if isinstance(node, dict):
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int):
            node = node[part]
        else:
            node = None
    return _pick(models_in(annotation), node)


def _pick(candidates: list[type[BaseModel]], node: Any) -> type[BaseModel] | None:
    """Of the models a union holds, the one this mapping was validated as."""
    for model in candidates:
        if isinstance(node, dict) and ("line" in node) == ("line" in fields_of(model)):
            return model
    return candidates[0] if candidates else None


def _data_path(data: Any, loc: tuple[Any, ...]) -> Path:
    """The part of a pydantic error location that names places in the data (union tags dropped).

    It may end in one key that the data lacks (a missing key) or that is unknown.
    """
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str):
            if part not in node:
                if part in _TAGS:
                    continue
                path.append(part)
                break
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            continue  # a union tag, or a key the shorthand form expanded
        path.append(part)
    return tuple(path)


@dataclass
class Validated:
    spec: ServiceSpec | None
    findings: list[Finding]
    pruned_ids: set[str] = field(default_factory=set)
    index_map: dict[Path, list[int]] = field(default_factory=dict)

    def original(self, path: Path) -> Path:
        """Where a path of the salvaged data stood in the file before invalid parts were dropped."""
        return _original(self.index_map, path)


def _original(index_map: dict[Path, list[int]], path: Path) -> Path:
    if not index_map:
        return path
    result: list[str | int] = []
    for part in path:
        if isinstance(part, int):
            kept = index_map.get(tuple(result))
            part = kept[part] if kept is not None else part
        result.append(part)
    return tuple(result)


def _path_order(path: Path) -> tuple[int, tuple[tuple[int, int, str], ...]]:
    return len(path), tuple((0, part, "") if isinstance(part, int) else (1, 0, part) for part in path)


def _finding(file: str, data: Any, locations: Locations, error: Any, hint: Suggester) -> Finding:
    kind = error["type"]
    code = _CODE_BY_TYPE.get(kind, "E004")
    path = _data_path(data, error["loc"])
    message = error["msg"]
    if kind == "extra_forbidden":
        key = str(path[-1])
        model = model_at(data, path[:-1])
        allowed = fields_of(model) if model else {}
        where = f" in {PART_NAMES[model.__name__]}" if model and model is not ServiceSpec else ""
        message = f"unknown key '{key}'{where}" + (_comma_hint(data, path) or hint(key, allowed))
        loc = locations.key(path)
    elif kind == "missing":
        key = str(error["loc"][-1])
        parent = path[:-1] if path and path[-1] == key else path
        model = model_at(data, parent)
        where = f" in {PART_NAMES[model.__name__]}" if model and model is not ServiceSpec else ""
        message = f"missing required key '{key}'{where}"
        loc = locations.value(parent)
    elif kind == "string_pattern_mismatch" and error["ctx"]["pattern"] == DURATION_PATTERN:
        code = "E107"
        message = (f"'{error['input']}' is not a duration; write number-unit pairs without spaces, "
                   "e.g. 45s, 5m, 1h30m, 1.5h, 2d")
        loc = locations.value(path)
    elif kind == "string_pattern_mismatch" and error["ctx"]["pattern"] == ID_PATTERN:
        message = (f"'{error['input']}' is not a valid id: start with a letter, then letters, digits, "
                   "'-' or '_'")
        loc = locations.value(path)
    elif kind == "string_type" and isinstance(error["input"], bool):
        word = "true" if error["input"] else "false"
        message = f"{path[-1] if path else 'value'}: expected text, got {word}; quote it: \"{word}\""
        loc = locations.value(path)
    elif (name := _key_of(data, path)) is not None:
        message = f"{name} must {_MUST[name]}, not {_shown(error['input'])}"
        loc = locations.value(path)
    else:
        message = _INSTANCE_OF.sub(lambda m: f"expected a mapping (a {PART_NAMES.get(m.group(1), m.group(1))})",
                                   message)
        for theirs, ours in _PLAIN:
            message = message.replace(theirs, ours)
        if kind.startswith("literal_error") or kind == "enum":
            message = f"{message}, not {_shown(error['input'])}"
        loc = locations.value(path)
        if path and isinstance(path[-1], str):
            message = f"{path[-1]} {message}" if message.startswith("must") else f"{path[-1]}: {message}"
    step, lane = _step_and_lane(data, path)
    return Finding(file, loc.line, loc.column, code, message, step=step, lane=lane)


def _key_of(data: Any, path: Path) -> str | None:
    """The key (of the format, not a lane id) whose value the error at `path` is in, when `_MUST` words it."""
    for end in range(len(path), 0, -1):
        part = path[end - 1]
        model = model_at(data, path[:end - 1]) if isinstance(part, str) else None
        if model is not None and part in fields_of(model):   # the deepest key of the format (not a lane id)
            return part if part in _MUST else None
    return None


def _shown(value: Any) -> str:
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


def _comma_hint(data: Any, path: Path) -> str:
    """For an unknown key that reads as prose and has no value: a comma inside {…} cut the text before it."""
    key = path[-1]
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    if not isinstance(key, str) or " " not in key.strip() or not isinstance(parent, dict) \
            or parent.get(key) is not None:
        return ""
    keys = list(parent)
    before = keys[keys.index(key) - 1] if keys.index(key) else None
    example = f'{before}: "{parent[before]}, {key}"' if before is not None and isinstance(parent[before], str) \
        else f'"…, {key}"'
    return (f"; a comma inside {{…}} ends a value: if ', {key}' belongs to the text before it, quote that text "
            f"({example})")


def _step_and_lane(data: Any, path: Path) -> tuple[str | None, str | None]:
    """The step (and lane) a finding inside `stages[i].steps[j]` (`.actions.LANE`) is about."""
    if len(path) < 4 or path[0] != "stages" or path[2] != "steps":
        return None, None
    try:
        step_id = data["stages"][path[1]]["steps"][path[3]].get("id")
    except (KeyError, IndexError, TypeError, AttributeError):
        return None, None
    step = step_id if isinstance(step_id, str) else None
    lane = str(path[5]) if len(path) > 5 and path[4] == "actions" else None
    return step, lane


def _prune(data: Any, errors: list[Any], pruned_ids: set[str], index_map: dict[Path, list[int]]) -> bool:
    """Drop what failed so the rest can still be checked; False when nothing more can be dropped."""
    doomed: set[Path] = set()
    for error in errors:
        path = _data_path(data, error["loc"])
        items = [index for index, part in enumerate(path) if isinstance(part, int)]
        if items:
            path = path[:items[-1] + 1]  # the whole list item goes: a half-valid item would mislead
        elif error["type"] == "missing" or len(path) != 1:
            return False  # a required top-level key: nothing sensible is left to check
        doomed.add(path)
    by_parent: dict[Path, list[str | int]] = {}
    for path in doomed:
        by_parent.setdefault(path[:-1], []).append(path[-1])
    # deepest first, so a deletion never shifts a path still to delete; each list is rebuilt once
    # (deleting items one by one would be quadratic in a long list of bad items)
    for parent_path in sorted(by_parent, key=_path_order, reverse=True):
        parent = data
        for part in parent_path:
            parent = parent[part]
        lasts = by_parent[parent_path]
        if isinstance(parent, dict) and all(last in parent for last in lasts):
            removed = [parent.pop(last) for last in lasts]
        elif isinstance(parent, list) and all(isinstance(last, int) and last < len(parent) for last in lasts):
            drop = set(lasts)
            kept = index_map.setdefault(_original(index_map, parent_path), list(range(len(parent))))
            removed = [item for index, item in enumerate(parent) if index in drop]
            parent[:] = [item for index, item in enumerate(parent) if index not in drop]
            kept[:] = [original for index, original in enumerate(kept) if index not in drop]
        else:
            return False
        pruned_ids.update(item["id"] for item in removed if isinstance(item, dict) and isinstance(item.get("id"), str))
    return True


def validate(data: Any, locations: Locations, file: str) -> Validated:
    """The spec, or None with every schema finding; after errors, a salvaged spec of what was valid."""
    if not isinstance(data, dict):
        loc = locations.value(())
        if data is None:
            message = "the file is empty; a service file starts with 'blueprint: 1'"
            return Validated(None, [Finding(file, loc.line, loc.column, "E005", message)])
        return Validated(None, [Finding(file, loc.line, loc.column, "E004",
                                        "the file must be a mapping of keys (blueprint, title, stages, ...)")])
    try:
        return Validated(ServiceSpec.model_validate(data), [])
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    hint = Suggester()
    findings = [_finding(file, data, locations, error, hint) for error in errors]
    salvaged = _salvage(data, errors)
    return Validated(salvaged[0], findings, salvaged[1], salvaged[2])


def _salvage(data: Any, errors: list[Any]) -> tuple[ServiceSpec | None, set[str], dict[Path, list[int]]]:
    """Drop the invalid parts and validate what is left, so later checks still see the rest."""
    if any(error["type"] == "version" for error in errors):
        return None, set(), {}
    working = copy.deepcopy(data)
    pruned_ids: set[str] = set()
    index_map: dict[Path, list[int]] = {}
    for _ in range(_MAX_SALVAGE_ROUNDS):
        if not _prune(working, errors, pruned_ids, index_map):
            return None, pruned_ids, index_map
        try:
            return ServiceSpec.model_validate(working), pruned_ids, index_map
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
    return None, pruned_ids, index_map



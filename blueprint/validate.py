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
from .schema import ID_PATTERN, LANE_ENTRY_TAGS, PART_NAMES, ServiceSpec

_CODE_BY_TYPE = {"extra_forbidden": "E003", "missing": "E005", "version": "E010", "duration_range": "E107"}
_MAX_SALVAGE_ROUNDS = 8
_MAX_HINTS = 200
_MAX_CHOICES = 2000
_TAGS = set(LANE_ENTRY_TAGS)
_INSTANCE_OF = re.compile(r"Input should be a valid dictionary or instance of (\w+)")


def suggest(word: str, choices: typing.Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' hint when one choice is close to `word` (none among too many choices)."""
    candidates = sorted(choices)
    if len(candidates) > _MAX_CHOICES:
        return ""
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


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


def model_at(data: Any, path: Path) -> type[BaseModel] | None:
    """The model that validates the mapping at `path`."""
    annotation: Any = ServiceSpec
    node = data
    for part in path:
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
        message = f"unknown key '{key}'{where}" + hint(key, allowed)
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
    else:
        message = _INSTANCE_OF.sub(lambda m: f"expected a mapping (a {PART_NAMES.get(m.group(1), m.group(1))})",
                                   message)
        if kind.startswith("literal_error") or kind == "enum":
            message = f"{message}, got {error['input']!r}" if not isinstance(error["input"], (dict, list)) else message
        loc = locations.value(path)
        if path:
            message = f"{path[-1]}: {message}" if isinstance(path[-1], str) else message
    step, lane = _step_and_lane(data, path)
    return Finding(file, loc.line, loc.column, code, message, step=step, lane=lane)


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



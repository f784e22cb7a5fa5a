"""Check loaded data against the format's keys (schema.py): every problem as a located finding, then a salvage."""
from __future__ import annotations

import copy
import difflib
import typing
from typing import Any, NamedTuple

from .findings import Finding
from .loader import Locations, Path
from .schema import INVALID, MUST, ServiceSpec, Spec, shown

_MAX_SALVAGE_ROUNDS = 8
_MAX_HINTS = 200
_MAX_CHOICES = 2000


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


class Validated(NamedTuple):
    spec: ServiceSpec | None
    findings: list[Finding]
    pruned_ids: set[str]                  # ids of the parts a salvage dropped
    index_map: dict[Path, list[int]]      # where the items of a salvaged list stood in the file

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


class Problem(NamedTuple):
    """What is wrong at a place in the data; `kind` is missing, unknown (a key), version or invalid."""

    path: Path          # for a missing or unknown key: the mapping's path and the key
    code: str
    message: str
    kind: str = "invalid"


class Checker:
    """Collects the problems of one check of the data (schema.Check)."""

    def __init__(self, hint: Suggester) -> None:
        self.problems: list[Problem] = []
        self.hint = hint

    def problem(self, path: Path, message: str, code: str = "E004", kind: str = "invalid") -> None:
        self.problems.append(Problem(path, code, message, kind))

    def wrong(self, path: Path, key: str | None, value: Any, words: str) -> None:
        if key in MUST:
            message = f"{key} must {MUST[key]}, not {shown(value)}"
        else:
            expected = words.startswith("expected")      # "expected a mapping (a step)" reads after a colon
            message = words if expected else f"must {words}"
            if path and isinstance(path[-1], str):
                message = f"{path[-1]}: {message}" if expected else f"{path[-1]} {message}"
        self.problem(path, message)

    def mapping(self, spec: type[Spec], value: dict[str, Any], path: Path, expanded: bool = False) -> Spec | Any:
        values = dict(spec.DEFAULTS)
        valid = True
        for name, given in value.items():
            k = spec.BY_NAME.get(name)
            if k is None:
                hint = _comma_hint(value, name) or self.hint(name, spec.BY_NAME)
                self.problem(path + (name,), f"unknown key '{name}'{_in_part(spec)}{hint}", "E003", "unknown")
                valid = False
            elif given is not None or not k.empty:
                checked = k.kind.check(given, path if expanded else path + (name,), name, self)
                valid = valid and checked is not INVALID
                values[k.attribute] = checked
        for k in spec.REQUIRED:
            if k.name not in value:
                self.problem(path + (k.name,), f"missing required key '{k.name}'{_in_part(spec)}", "E005", "missing")
                valid = False
        if not valid:
            return INVALID
        for attribute, fresh in spec.FRESH:
            if attribute not in values:
                values[attribute] = fresh()
        return spec.made(values, value.keys())


def _in_part(spec: type[Spec]) -> str:
    """Where a key is missing or unknown, for its message (" in step"; nothing for the file itself)."""
    return f" in {spec.PART}" if spec is not ServiceSpec else ""


def _check(data: dict[str, Any], hint: Suggester) -> tuple[ServiceSpec | None, list[Problem]]:
    checker = Checker(hint)
    spec = checker.mapping(ServiceSpec, data, ())
    return (None if checker.problems or not isinstance(spec, ServiceSpec) else spec), checker.problems


def _comma_hint(mapping: dict[str, Any], key: str) -> str:
    """For an unknown key that reads as prose and has no value: a comma inside {…} cut the text before it."""
    if " " not in key.strip() or mapping.get(key) is not None:
        return ""
    keys = list(mapping)
    before = keys[keys.index(key) - 1] if keys.index(key) else None
    example = f'{before}: "{mapping[before]}, {key}"' if before is not None and isinstance(mapping[before], str) \
        else f'"…, {key}"'
    return (f"; a comma inside {{…}} ends a value: if ', {key}' belongs to the text before it, quote that text "
            f"({example})")


def _finding(file: str, data: Any, locations: Locations, problem: Problem) -> Finding:
    if problem.kind == "unknown":
        loc = locations.key(problem.path)
    elif problem.kind == "missing":
        loc = locations.value(problem.path[:-1])
    else:
        loc = locations.value(problem.path)
    step, lane = _step_and_lane(data, problem.path)
    return Finding(file, loc.line, loc.column, problem.code, problem.message, step=step, lane=lane)


def _prune(data: Any, problems: list[Problem], pruned_ids: set[str], index_map: dict[Path, list[int]]) -> bool:
    """Drop what failed so the rest can still be checked; False when nothing more can be dropped."""
    doomed: set[Path] = set()
    for problem in problems:
        path = problem.path
        items = [index for index, part in enumerate(path) if isinstance(part, int)]
        if items:
            path = path[:items[-1] + 1]  # the whole list item goes: a half-valid item would mislead
        elif problem.kind == "missing" or len(path) != 1:
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
            return Validated(None, [Finding(file, loc.line, loc.column, "E005", message)], set(), {})
        return Validated(None, [Finding(file, loc.line, loc.column, "E004",
                                        "the file must be a mapping of keys (blueprint, title, stages, ...)")],
                         set(), {})
    hint = Suggester()
    spec, problems = _check(data, hint)
    if not problems:
        return Validated(spec, [], set(), {})
    findings = [_finding(file, data, locations, problem) for problem in problems]
    salvaged = _salvage(data, problems)
    return Validated(salvaged[0], findings, salvaged[1], salvaged[2])


def _salvage(data: dict[str, Any],
             problems: list[Problem]) -> tuple[ServiceSpec | None, set[str], dict[Path, list[int]]]:
    """Drop the invalid parts and check what is left, so later checks still see the rest."""
    if any(problem.kind == "version" for problem in problems):
        return None, set(), {}
    working = copy.deepcopy(data)
    pruned_ids: set[str] = set()
    index_map: dict[Path, list[int]] = {}
    quiet = Suggester()
    quiet.left = 0      # the findings are already worded; hints for what is left would go unread
    for _ in range(_MAX_SALVAGE_ROUNDS):
        if not _prune(working, problems, pruned_ids, index_map):
            return None, pruned_ids, index_map
        spec, problems = _check(working, quiet)
        if not problems:
            return spec, pruned_ids, index_map
    return None, pruned_ids, index_map

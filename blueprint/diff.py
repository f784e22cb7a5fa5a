"""What changed between two versions of a service: structure, metrics and findings (the comparison itself)."""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .api import Document
from .findings import Finding
from .metrics import measure, metrics_json
from .model import Action, Lane, Service, Stage, Step
from .render.marks import Marks

Fields = dict[str, Any]
KINDS = ("lanes", "stages", "steps", "actions")


@dataclass
class Section:
    """Items of one kind (by id) added, removed, and changed field by field."""

    added: list[tuple[str, Fields]] = field(default_factory=list)
    removed: list[tuple[str, Fields]] = field(default_factory=list)
    changed: list[tuple[str, dict[str, tuple[Any, Any]]]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass
class Diff:
    old: Document
    new: Document
    sections: dict[str, Section] | None          # None when either file is invalid
    metrics: dict[str, dict[str, Any]] | None
    added: list[Finding]                          # findings only in the new version
    resolved: list[Finding]                       # findings only in the old version
    open: list[tuple[Finding, Finding]]           # (old, new): the same finding in both

    @property
    def valid(self) -> bool:
        return self.old.valid and self.new.valid

    @property
    def changed(self) -> bool:
        """Whether anything differs: structure, a metric, or a finding (its message included)."""
        return (any(self.sections.values()) if self.sections else False) or bool(self.added or self.resolved) \
            or any(old.message != new.message for old, new in self.open) \
            or any(value["old"] != value["new"] for value in (self.metrics or {}).values())


def _lane(lane: Lane) -> Fields:
    return {"title": lane.title, "kind": lane.kind.value, "chain": lane.chain, "rate": lane.rate}


def _stage(stage: Stage) -> Fields:
    return {"title": stage.title, "goal": stage.goal, "kpis": list(stage.kpis)}


def _step(step: Step) -> Fields:
    touchpoint = step.touchpoint
    return {
        "stage": step.stage, "title": step.title, "emotion": step.emotion, "thinks": step.thinks,
        "touchpoint": None if touchpoint is None else touchpoint.name,
        "channel": None if touchpoint is None else touchpoint.channel,
        "moment": None if touchpoint is None else touchpoint.moment,
        "csat": None if touchpoint is None else touchpoint.csat,
        "nps": None if touchpoint is None else touchpoint.nps,
        "pains": [note.text if note.dimension is None else f"{note.text} ({note.dimension.value})"
                  for note in step.pains],
        "opportunities": [note.text for note in step.opportunities],
        "wait_s": None if step.wait is None else step.wait.expected_s,
        "tolerance_s": None if step.wait is None else step.wait.tolerance_s,
        "after": None if step.after is None else list(step.after), "when": step.when, "chance": step.chance,
        "direction": step.direction.value,
        "emotions": {entry.lane: entry.score for entry in step.emotions},
        "thoughts": {entry.lane: entry.text for entry in step.thoughts},
    }


def _action(action: Action) -> Fields:
    fail = action.fail
    return {
        "text": action.text, "duration_s": action.duration_s, "owner": action.owner,
        "value": None if action.value is None else action.value.value,
        "fail": None if fail is None else fail.what,
        "fail_risk": None if fail is None else fail.risk,
        "fail_mitigation": None if fail is None else fail.mitigation,
        "alongside": action.alongside, "auto": action.auto, "cost": action.cost,
    }


def _items(service: Service, kind: str) -> dict[str, Fields]:
    if kind == "lanes":
        return {lane.id: _lane(lane) for lane in service.lanes}
    if kind == "stages":
        return {stage.id: _stage(stage) for stage in service.stages}
    if kind == "steps":
        return {step.id: _step(step) for step in service.steps}
    return {f"{action.step}.{action.lane}": _action(action) for step in service.steps for action in step.actions}


def _section(old: dict[str, Fields], new: dict[str, Fields]) -> Section:
    section = Section()
    for key, fields in new.items():
        if key not in old:
            section.added.append((key, fields))
            continue
        changes = {name: (old[key].get(name), value) for name, value in fields.items() if old[key].get(name) != value}
        if changes:
            section.changed.append((key, changes))
    section.removed = [(key, fields) for key, fields in old.items() if key not in new]
    return section


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def numbers(data: dict[str, Any], findings: Sequence[Finding]) -> dict[str, float | None]:
    """The numbers a comparison weighs, by name: every top-level number of `metrics --format json` (null included:
    a ratio without a lead time), `NAME.PART` for each number of a top-level mapping (`cost.total`; not its
    currency), `stage.ID.time_s` per stage, the total fail-point risk and the number of findings."""
    result: dict[str, float | None] = {}
    for name, value in data.items():
        if isinstance(value, dict):
            result.update({f"{name}.{part}": number for part, number in value.items() if _is_number(number)})
        elif value is None or _is_number(value):
            result[name] = value
    result["fail_points.risk"] = sum(fail["risk"] for fail in data["fail_points"] if fail["risk"] is not None)
    result["findings.open"] = len(findings)
    result.update({f"stage.{stage['id']}.time_s": stage["time_s"] for stage in data["stages"]})
    return result


def _delta(old: float | None, new: float | None) -> dict[str, Any]:
    """Old, new and the difference, unrounded (FORMAT.md's Precisions); null where a side has no value."""
    return {"old": old, "new": new, "delta": None if old is None or new is None else new - old}


def _metrics(old: Document, new: Document) -> dict[str, dict[str, Any]]:
    assert old.service is not None and new.service is not None
    before = numbers(metrics_json(measure(old.service)), old.findings)
    after = numbers(metrics_json(measure(new.service)), new.findings)
    names = [*after, *(name for name in before if name not in after)]
    return {name: _delta(before.get(name), after.get(name)) for name in names}


def _finding_key(finding: Finding) -> tuple[str, str | None, str | None]:
    """Findings match across versions by what and where in the service, not by line (lines move) nor by message
    (a fail point whose risk changed is the same fail point)."""
    return (finding.code, finding.step, finding.lane)


def _match(old: Sequence[Finding], new: Sequence[Finding]) -> tuple[list[Finding], list[Finding],
                                                                     list[tuple[Finding, Finding]]]:
    """(added, resolved, open): each old finding pairs with the first unpaired new one of the same key."""
    waiting: dict[tuple[str, str | None, str | None], list[Finding]] = {}
    for finding in old:
        waiting.setdefault(_finding_key(finding), []).append(finding)
    added, paired = [], []
    for finding in new:
        candidates = waiting.get(_finding_key(finding))
        if candidates:
            paired.append((candidates.pop(0), finding))
        else:
            added.append(finding)
    kept = {id(before) for before, _ in paired}
    return added, [finding for finding in old if id(finding) not in kept], paired


def diff_documents(old: Document, new: Document) -> Diff:
    """The differences between two checked versions; structure and metrics only when both are valid."""
    sections = metrics = None
    if old.service is not None and new.service is not None:
        sections = {kind: _section(_items(old.service, kind), _items(new.service, kind)) for kind in KINDS}
        metrics = _metrics(old, new)
    added, resolved, still = _match(old.findings, new.findings)
    return Diff(old, new, sections, metrics, added, resolved, still)


def marks(diff: Diff) -> Marks:
    """What the new version's diagrams mark: steps added, actions changed or added to a step that was there,
    steps whose own fields changed, and the titles of the steps removed."""
    if diff.sections is None:
        return Marks()
    steps, actions = diff.sections["steps"], diff.sections["actions"]
    added = frozenset(key for key, _ in steps.added)
    changed = {endpoint(key) for key, _ in actions.changed}
    changed |= {pair for pair in (endpoint(key) for key, _ in actions.added) if pair[0] not in added}
    return Marks(added, frozenset(changed), frozenset(key for key, _ in steps.changed),
                 tuple(fields["title"] for _, fields in steps.removed))


def endpoint(key: str) -> tuple[str, str]:
    """(step, lane) of an action's id `STEP.LANE`."""
    step, lane = key.rsplit(".", 1)
    return step, lane


def as_json(diff: Diff) -> str:
    def section(part: Section) -> dict[str, Any]:
        return {"added": [{"id": key, **fields} for key, fields in part.added],
                "removed": [{"id": key, **fields} for key, fields in part.removed],
                "changed": [{"id": key, "changes": {name: {"old": old, "new": new}
                                                    for name, (old, new) in changes.items()}}
                            for key, changes in part.changed]}

    data = {
        "old": diff.old.file, "new": diff.new.file, "valid": {"old": diff.old.valid, "new": diff.new.valid},
        **{kind: None if diff.sections is None else section(diff.sections[kind]) for kind in KINDS},
        "metrics": diff.metrics,
        "findings": {"added": [f.as_json() for f in diff.added], "resolved": [f.as_json() for f in diff.resolved],
                     "open": [{**new.as_json(), "old": old.as_json()} for old, new in diff.open]},
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

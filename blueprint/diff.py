"""What changed between two versions of a service: structure, metrics and findings."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .api import Document
from . import humanize
from .findings import Finding
from .metrics import measure, metrics_json
from .model import Action, Lane, Service, Stage, Step

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
    added: list[Finding]
    resolved: list[Finding]

    @property
    def valid(self) -> bool:
        return self.old.valid and self.new.valid


def _lane(lane: Lane) -> Fields:
    return {"title": lane.title, "kind": lane.kind.value}


def _stage(stage: Stage) -> Fields:
    return {"title": stage.title, "goal": stage.goal, "kpis": list(stage.kpis)}


def _step(step: Step) -> Fields:
    touchpoint = step.touchpoint
    return {
        "stage": step.stage, "title": step.title, "emotion": step.emotion, "thinks": step.thinks,
        "touchpoint": None if touchpoint is None else touchpoint.name,
        "channel": None if touchpoint is None else touchpoint.channel,
        "pains": [note.text for note in step.pains], "opportunities": [note.text for note in step.opportunities],
        "wait_s": None if step.wait is None else step.wait.expected_s,
        "tolerance_s": None if step.wait is None else step.wait.tolerance_s,
    }


def _action(action: Action) -> Fields:
    fail = action.fail
    return {
        "text": action.text, "duration_s": action.duration_s, "owner": action.owner,
        "value": None if action.value is None else action.value.value,
        "fail": None if fail is None else fail.what,
        "fail_risk": None if fail is None else fail.risk,
        "fail_mitigation": None if fail is None else fail.mitigation,
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
        changes = {name: (old[key][name], value) for name, value in fields.items() if old[key][name] != value}
        if changes:
            section.changed.append((key, changes))
    section.removed = [(key, fields) for key, fields in old.items() if key not in new]
    return section


def _delta(old: float | None, new: float | None) -> dict[str, Any]:
    delta = None if old is None or new is None else round(new - old, 3)
    return {"old": old, "new": new, "delta": delta}


def _metrics(old: Service, new: Service) -> dict[str, dict[str, Any]]:
    """Lead time, value-added time and ratio, and each stage's time: old, new and the difference."""
    before: dict[str, Any] = metrics_json(measure(old))
    after: dict[str, Any] = metrics_json(measure(new))
    result = {name: _delta(before[name], after[name]) for name in ("lead_time_s", "value_added_s", "value_added_ratio")}
    stages_before = {stage["id"]: stage["time_s"] for stage in before["stages"]}
    stages_after = {stage["id"]: stage["time_s"] for stage in after["stages"]}
    for stage in [*stages_after, *(s for s in stages_before if s not in stages_after)]:
        result[f"stage.{stage}.time_s"] = _delta(stages_before.get(stage), stages_after.get(stage))
    return result


def _finding_key(finding: Finding) -> tuple[str, str | None, str | None, str]:
    """Findings match across versions by what and where in the service, not by line (lines move)."""
    return (finding.code, finding.step, finding.lane, finding.message)


def _only_in(first: Iterable[Finding], second: Iterable[Finding]) -> list[Finding]:
    remaining = Counter(_finding_key(finding) for finding in second)
    result = []
    for finding in first:
        key = _finding_key(finding)
        if remaining[key]:
            remaining[key] -= 1
        else:
            result.append(finding)
    return result


def diff_documents(old: Document, new: Document) -> Diff:
    """The differences between two checked versions; structure and metrics only when both are valid."""
    sections = metrics = None
    if old.service is not None and new.service is not None:
        sections = {kind: _section(_items(old.service, kind), _items(new.service, kind)) for kind in KINDS}
        metrics = _metrics(old.service, new.service)
    return Diff(old, new, sections, metrics, _only_in(new.findings, old.findings),
                _only_in(old.findings, new.findings))


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
        "findings": {"added": [f.as_json() for f in diff.added], "resolved": [f.as_json() for f in diff.resolved]},
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _show(name: str, value: Any) -> str:
    if value is None:
        return "none"
    if name.endswith("_s") and isinstance(value, (int, float)):
        return humanize.duration(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_show(name, item) for item in value) + "]"
    return str(value)


def _label(fields: Fields) -> str:
    text = fields.get("title") or fields.get("text")
    return f"  {_show('title', text)}" if text else ""


def _signed(name: str, delta: float) -> str:
    if name.endswith("_s"):
        return ("+" if delta > 0 else "-" if delta < 0 else "±") + humanize.duration(abs(delta))
    return f"{delta:+g}"


def as_text(diff: Diff) -> str:
    lines = [f"--- {diff.old.file}", f"+++ {diff.new.file}"]
    if diff.sections is not None:
        for kind in KINDS:
            part = diff.sections[kind]
            if not part:
                continue
            lines.append(kind)
            lines += [f"  + {key}{_label(fields)}" for key, fields in part.added]
            lines += [f"  - {key}{_label(fields)}" for key, fields in part.removed]
            lines += [f"  ~ {key}  " + "; ".join(f"{name}: {_show(name, old)} → {_show(name, new)}"
                                                 for name, (old, new) in changes.items())
                      for key, changes in part.changed]
    if diff.metrics is not None:
        changed = {name: value for name, value in diff.metrics.items() if value["old"] != value["new"]}
        if changed:
            lines.append("metrics")
            lines += [f"  {name}  {_show(name, value['old'])} → {_show(name, value['new'])}"
                      + (f" ({_signed(name, value['delta'])})" if value["delta"] is not None else "")
                      for name, value in changed.items()]
    if diff.added or diff.resolved:
        lines.append("findings")
        lines += [f"  + {finding}" for finding in diff.added]
        lines += [f"  - {finding}" for finding in diff.resolved]
    if len(lines) == 2:
        lines.append("no differences")
    return "\n".join(lines) + "\n"

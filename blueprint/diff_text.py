"""A comparison in people's words: "Lead time 1h 45m → 1h 39m (−6m, −5.7 %)", "Wait before Drinks 6m → 3m"."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import humanize
from .diff import Diff, endpoint
from .i18n import label
from .model import Service

ARROW = "→"
ARROW_BACK = "←"
HEADLINE = ("lead_time_s", "expected_lead_time_s", "value_added_ratio", "cost.total", "cost.waste",
            "fail_points.risk", "findings.open")


@dataclass(frozen=True)
class MetricRow:
    """One number, old and new, as people read it."""

    name: str
    label: str
    old: str
    new: str
    change: str                 # "−6m, −5.7 %"; empty when nothing changed or a side has no value

    def sentence(self) -> str:
        return f"{self.label} {self.old} {ARROW} {self.new}" + (f" ({self.change})" if self.change else "")


@dataclass(frozen=True)
class StepChange:
    """One step's changes: `status` added, removed or changed, and each change as a phrase."""

    step: str                   # its id
    title: str
    stage: str
    status: str
    phrases: tuple[str, ...]


def _lang(diff: Diff) -> str:
    service = diff.new.service or diff.old.service
    return service.lang if service is not None else "en"


def _currency(diff: Diff) -> str | None:
    return next((service.currency for service in (diff.new.service, diff.old.service)
                 if service is not None and service.currency), None)


def _amount(name: str, value: float | None, currency: str | None) -> str:
    return "–" if value is None else humanize.metric(name, value, currency)


def _change(name: str, old: float | None, new: float | None, currency: str | None) -> str:
    if old is None or new is None or old == new:
        return ""
    delta = new - old
    if name.endswith("ratio"):
        return humanize.points(delta)
    if name.endswith("_s"):
        shown = humanize.signed_duration(delta)
    elif name.startswith("cost."):
        shown = humanize.signed_money(delta, currency)
    else:
        shown = humanize.score(delta)
    return f"{shown}, {humanize.signed_percent(delta / old)}" if old else shown


def _metric_label(name: str, titles: dict[str, str], lang: str) -> str:
    if name.startswith("stage.") and name.endswith(".time_s"):
        stage = name[len("stage."):-len(".time_s")]
        return label(lang, "cmp.metric.stage").format(where=titles.get(stage, stage))
    try:
        return label(lang, f"cmp.metric.{name}")
    except KeyError:            # a number the metrics gained after this table: its name, in words
        words = name.removesuffix("_s").replace(".", " ").replace("_", " ")
        return words[:1].upper() + words[1:]


def _stage_titles(diff: Diff) -> dict[str, str]:
    titles: dict[str, str] = {}
    for service in (diff.new.service, diff.old.service):
        if service is not None:
            titles |= {stage.id: stage.title for stage in service.stages if stage.id not in titles}
    return titles


def _spoken(diff: Diff, name: str, currency: str | None) -> bool:
    """Whether either version speaks of the number: an expected lead time only where it is not the lead time (some
    step has a chance), costs only where a currency or some cost is given."""
    assert diff.metrics is not None
    if name == "expected_lead_time_s":
        lead = diff.metrics["lead_time_s"]
        return diff.metrics[name]["old"] != lead["old"] or diff.metrics[name]["new"] != lead["new"]
    if name.startswith("cost."):
        total = diff.metrics.get("cost.total", {})
        return currency is not None or bool(total.get("old") or total.get("new"))
    return True


def metric_rows(diff: Diff, names: tuple[str, ...] | None = None, changed_only: bool = False) -> list[MetricRow]:
    """The metrics (all, or `names` in that order where present) in people's units."""
    if diff.metrics is None:
        return []
    lang, currency, titles = _lang(diff), _currency(diff), _stage_titles(diff)
    rows = []
    for name in names if names is not None else tuple(diff.metrics):
        value = diff.metrics.get(name)
        if value is None or (changed_only and value["old"] == value["new"]) or not _spoken(diff, name, currency):
            continue
        rows.append(MetricRow(name, _metric_label(name, titles, lang), _amount(name, value["old"], currency),
                              _amount(name, value["new"], currency),
                              _change(name, value["old"], value["new"], currency)))
    return rows


IDS_OF_STEPS = ("after",)       # fields whose values are step ids: shown as the steps' titles
IDS_OF_LANES = ("alongside",)
IDS_OF_STAGES = ("stage",)
MONEY = ("cost", "rate")
RATIOS = ("chance",)
SCORES = ("emotion", "emotions")


class _Words:
    """A comparison's phrases: titles for ids (the new version's first, then the old one's, for what is gone), the
    language and the currency."""

    def __init__(self, diff: Diff) -> None:
        self.lang, self.currency = _lang(diff), _currency(diff)
        self.lanes: dict[str, str] = {}
        self.steps: dict[str, str] = {}
        self.stages: dict[str, str] = {}
        for service in (diff.new.service, diff.old.service):
            if service is None:
                continue
            self.lanes |= {lane.id: lane.title for lane in service.lanes if lane.id not in self.lanes}
            self.stages |= {s.id: s.title for s in service.stages if s.id not in self.stages}
            self.steps |= {s.id: s.title for s in service.steps if s.id not in self.steps}

    def action(self, key: str) -> str:
        step, lane = endpoint(key)
        return f"{self.steps.get(step, step)} · {self.lanes.get(lane, lane)}"

    def show(self, name: str, value: Any) -> str:
        """A field's value as people read it."""
        if name in IDS_OF_STEPS and value is None:
            return label(self.lang, "cmp.default_after")
        if value is None or value == [] or value == {}:
            return label(self.lang, "report.none")
        if isinstance(value, bool):
            return label(self.lang, "cmp.yes" if value else "cmp.no")
        if isinstance(value, dict):         # per customer lane
            return ", ".join(f"{self.lanes.get(lane, lane)} {self.show(name, item)}" for lane, item in value.items())
        if isinstance(value, list):
            return ", ".join(self.show(name, item) for item in value)
        if name in IDS_OF_STEPS:
            return f"“{self.steps.get(value, value)}”"
        if name in IDS_OF_LANES:
            return f"“{self.lanes.get(value, value)}”"
        if name in IDS_OF_STAGES:
            return f"“{self.stages.get(value, value)}”"
        if isinstance(value, (int, float)):
            if name.endswith("_s"):
                return humanize.duration(value)
            if name in SCORES:
                return humanize.score(value)
            if name in MONEY:
                return humanize.money(value, self.currency)
            if name in RATIOS:
                return humanize.percent(value) or ""
            return f"{value:g}"
        return f"“{value}”"

    def field(self, kind: str, name: str, where: str) -> str:
        try:
            return label(self.lang, f"cmp.{kind}.{name}").format(where=where)
        except KeyError:            # a field added to the format after this table
            return label(self.lang, "cmp.field").format(field=name, where=where)

    def phrase(self, kind: str, name: str, where: str, old: Any, new: Any) -> str:
        return f"{self.field(kind, name, where)} {self.show(name, old)} {ARROW} {self.show(name, new)}"


def _structure(diff: Diff, kind: str, words: _Words, where_of: Any) -> list[tuple[str, str]]:
    """(id, phrase) for each item of `kind` added, removed or changed."""
    assert diff.sections is not None
    lang = words.lang
    part = diff.sections[kind]
    whole = {key for key, _ in diff.sections["steps"].added + diff.sections["steps"].removed}
    out = []
    for status, items in (("added", part.added), ("removed", part.removed)):
        for key, fields in items:
            if kind != "actions":
                out.append((key, label(lang, f"cmp.{status}.{kind}").format(where=where_of(key))))
            elif endpoint(key)[0] in whole:        # the step came or went with it: say what it did
                out.append((key, f"{words.lanes[endpoint(key)[1]]}: {words.show('text', fields['text'])}"))
            else:
                out.append((key, label(lang, f"cmp.{status}.{kind}").format(where=where_of(key))
                            + f" {words.show('text', fields['text'])}"))
    for key, changes in part.changed:
        out += [(key, words.phrase(kind, name, where_of(key), old, new)) for name, (old, new) in changes.items()]
    return out


def other_changes(diff: Diff) -> list[str]:
    """Lanes and stages added, removed or changed, as phrases."""
    if diff.sections is None:
        return []
    words = _Words(diff)
    return [phrase for kind, titles in (("lanes", words.lanes), ("stages", words.stages))
            for _, phrase in _structure(diff, kind, words, lambda key, t=titles: t.get(key, key))]


def step_changes(diff: Diff) -> list[StepChange]:
    """Per step, in the new version's order (removed steps after the step they followed), what changed."""
    if diff.sections is None or diff.old.service is None or diff.new.service is None:
        return []
    words = _Words(diff)
    steps = diff.sections["steps"]
    status = {key: "added" for key, _ in steps.added} | {key: "removed" for key, _ in steps.removed}
    phrases: dict[str, list[str]] = {}
    for key, phrase in _structure(diff, "steps", words, lambda key: words.steps.get(key, key)):
        if status.get(key) is None:
            phrases.setdefault(key, []).append(phrase)
    for key, phrase in _structure(diff, "actions", words, words.action):
        phrases.setdefault(endpoint(key)[0], []).append(phrase)
    stage_of: dict[str, str] = {}
    for fields_of in (dict(steps.removed), {s.id: {"stage": s.stage} for s in diff.new.service.steps}):
        stage_of |= {key: fields["stage"] for key, fields in fields_of.items()}
    rows = []
    for step in step_order(diff.old.service, diff.new.service):
        if step in phrases or step in status:
            rows.append(StepChange(step, words.steps[step], words.stages.get(stage_of[step], stage_of[step]),
                                   status.get(step, "changed"), tuple(phrases.get(step, ()))))
    return rows


def step_order(old: Service, new: Service) -> list[str]:
    """The new version's step ids, each removed step placed after the step it followed in the old version."""
    present = {step.id for step in new.steps}
    removed_after: dict[str | None, list[str]] = {}
    kept: str | None = None
    for step in old.steps:
        if step.id in present:
            kept = step.id
        else:
            removed_after.setdefault(kept, []).append(step.id)
    ids = list(removed_after.get(None, ()))
    for step in new.steps:
        ids += [step.id, *removed_after.get(step.id, ())]
    return ids


def as_text(diff: Diff) -> str:
    """The comparison for a terminal: the numbers that moved, then the changes per step, then the findings."""
    lang = _lang(diff)
    blocks = [[f"{diff.old.file} {ARROW} {diff.new.file}"]]
    if not diff.changed:
        blocks.append([label(lang, "cmp.no_changes")])
    else:
        if diff.sections is None:
            blocks.append([label(lang, "cmp.invalid")])
        blocks.append([row.sentence() for row in metric_rows(diff, changed_only=True)])
        other = other_changes(diff)
        blocks.append([label(lang, "cmp.other")] + [f"  {phrase}" for phrase in other] if other else [])
        marks = {"added": "+", "removed": "−", "changed": "~"}
        blocks += [[f"{marks[change.status]} {change.title} ({change.stage})"] + [f"  {p}" for p in change.phrases]
                   for change in step_changes(diff)]
        for key, items in (("cmp.resolved", diff.resolved), ("cmp.added", diff.added)):
            blocks.append([f"{label(lang, key)} ({len(items)})"] + [f"  {item}" for item in items] if items else [])
        # open findings are listed only where the message changed (a fail point's risk, say)
        reworded = [f"  {new}  ({ARROW_BACK} {old.message})" for old, new in diff.open if old.message != new.message]
        blocks.append([f"{label(lang, 'cmp.open')} ({len(diff.open)})"] + reworded if diff.open else [])
    return "\n\n".join("\n".join(block) for block in blocks if block) + "\n"

"""Plain data for the report template from a service, its metrics and its findings (pure)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .. import humanize
from ..findings import Finding, Severity
from ..metrics import Metrics
from ..model import Persona, Service

@dataclass(frozen=True)
class Count:
    severity: str
    count: int


@dataclass(frozen=True)
class PainRow:
    text: str
    step: str
    stage: str
    emotion: int | None


@dataclass(frozen=True)
class FailRow:
    rank: int
    step: str
    lane: str
    what: str
    severity: int | None
    likelihood: int | None
    detection: int | None
    risk: int | None
    rpn: int | None
    mitigation: str | None


@dataclass(frozen=True)
class WaitRow:
    step: str
    stage: str
    expected: str
    tolerance: str | None
    excess: str | None


@dataclass(frozen=True)
class TimeRow:
    title: str
    time: str
    value_added: str
    ratio: str | None
    time_s: float
    value_added_s: float


@dataclass(frozen=True)
class Opportunity:
    step: str
    text: str


@dataclass(frozen=True)
class OpportunityGroup:
    stage: str
    items: tuple[Opportunity, ...]


@dataclass(frozen=True)
class FindingRow:
    code: str
    severity: str
    location: str
    message: str
    target: str | None = None       # the diagram element it is about: a.STEP.LANE or step.STEP


def _target(finding: Finding) -> str | None:
    if finding.step and finding.lane:
        return f"a.{finding.step}.{finding.lane}"
    return f"step.{finding.step}" if finding.step else None


@dataclass(frozen=True)
class Context:
    lang: str
    title: str
    summary: str | None
    persona: Persona | None
    date: str | None
    counts: tuple[Count, ...]
    pains: tuple[PainRow, ...]
    fails: tuple[FailRow, ...]
    waits: tuple[WaitRow, ...]
    total: TimeRow
    stages: tuple[TimeRow, ...]
    opportunities: tuple[OpportunityGroup, ...]
    findings: tuple[FindingRow, ...]


def _time_row(title: str, time_s: float, value_added_s: float) -> TimeRow:
    return TimeRow(title, humanize.duration(time_s), humanize.duration(value_added_s),
                   humanize.percent(value_added_s / time_s if time_s else None), time_s, value_added_s)


def _pains(service: Service) -> tuple[PainRow, ...]:
    stage_titles = {stage.id: stage.title for stage in service.stages}
    rows = [PainRow(note.text, step.title, stage_titles[step.stage], step.emotion)
            for step in service.steps for note in step.pains]
    return tuple(sorted(rows, key=lambda row: 3 if row.emotion is None else row.emotion))


def _fails(service: Service, metrics: Metrics) -> tuple[FailRow, ...]:
    """Fail points by risk, then RPN, highest first; unscored ones last; file order breaks ties."""
    ranked = sorted(metrics.fail_points, key=lambda f: (f.fail.risk is None, -(f.fail.risk or 0),
                                                        f.fail.rpn is None, -(f.fail.rpn or 0)))
    return tuple(FailRow(rank, service.step(f.step).title, service.lane(f.lane).title, f.fail.what,
                         f.fail.severity, f.fail.likelihood, f.fail.detection, f.fail.risk, f.fail.rpn,
                         f.fail.mitigation)
                 for rank, f in enumerate(ranked, start=1))


def _waits(service: Service) -> tuple[WaitRow, ...]:
    stage_titles = {stage.id: stage.title for stage in service.stages}
    return tuple(WaitRow(step.title, stage_titles[step.stage], humanize.duration(step.wait.expected_s),
                         None if step.wait.tolerance_s is None else humanize.duration(step.wait.tolerance_s),
                         humanize.duration(step.wait.excess_s) if step.wait.excess_s else None)
                 for step in service.steps if step.wait)


def _opportunities(service: Service) -> tuple[OpportunityGroup, ...]:
    groups = (OpportunityGroup(stage.title, tuple(Opportunity(step.title, note.text)
                                                  for step in stage.steps for note in step.opportunities))
              for stage in service.stages)
    return tuple(group for group in groups if group.items)


def _findings(findings: Sequence[Finding]) -> tuple[FindingRow, ...]:
    return tuple(FindingRow(f.code, f.severity.value, f"{f.file}:{f.line}:{f.column}", f.message, _target(f))
                 for f in findings)


def build_context(service: Service, metrics: Metrics, findings: Sequence[Finding], date: str | None) -> Context:
    counts = Counter(finding.severity for finding in findings)
    titles = {stage.id: stage.title for stage in service.stages}
    return Context(
        lang=service.lang, title=service.title, summary=service.summary, persona=service.persona, date=date,
        counts=tuple(Count(severity.value, counts[severity]) for severity in Severity),
        pains=_pains(service), fails=_fails(service, metrics), waits=_waits(service),
        total=_time_row(service.title, metrics.lead_time_s, metrics.value_added_s),
        stages=tuple(_time_row(titles[stage.id], stage.time_s, metrics.stage_value_added_s(stage.id))
                     for stage in metrics.stages),
        opportunities=_opportunities(service), findings=_findings(findings))

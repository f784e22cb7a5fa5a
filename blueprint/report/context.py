"""Plain data for the report template from a service, its metrics and its findings (pure)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .. import humanize
from ..findings import Finding, Severity
from ..metrics import Cost, Metrics, TouchpointMetrics
from ..model import Dimension, Persona, Service

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
class ScheduleRow:
    step: str
    stage: str
    start: str
    finish: str
    slack: str | None             # None on the critical path
    chance: str | None            # None for a step that always happens
    when: str | None
    start_s: float
    finish_s: float
    critical: bool


@dataclass(frozen=True)
class Schedule:
    rows: tuple[ScheduleRow, ...]     # in time order
    lead_time: str
    expected_lead_time: str
    critical_path: tuple[str, ...]    # step titles
    lead_time_s: float


@dataclass(frozen=True)
class CostRow:
    title: str
    labour: str
    direct: str
    indirect: str
    total: str
    waste: str
    amounts: Cost


@dataclass(frozen=True)
class Costs:
    stages: tuple[CostRow, ...]
    total: CostRow
    expected: str


@dataclass(frozen=True)
class TouchRow:
    name: str
    step: str
    channel: str | None
    moment: bool
    csat: str | None
    nps: str | None
    emotion: int | None


@dataclass(frozen=True)
class DimensionRow:
    dimension: str | None             # None: pain points that name no dimension
    pains: tuple[PainRow, ...]


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
    schedule: Schedule | None = None              # when any step has `after`, `when` or `chance`
    costs: Costs | None = None                    # when the file gives a currency or anything costs
    touchpoints: tuple[TouchRow, ...] = ()        # when any touchpoint is a moment of truth or has csat or nps
    dimensions: tuple[DimensionRow, ...] = ()     # when any pain point names its SERVQUAL dimension


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


def _schedule(service: Service, metrics: Metrics) -> Schedule | None:
    """The steps in time order with start, finish and slack; the lead times and the critical path."""
    if not (service.uses_after or any(step.conditional for step in service.steps)):
        return None
    stage_titles = {stage.id: stage.title for stage in service.stages}
    rows = []
    for m in sorted(metrics.steps, key=lambda m: (m.start_s, m.finish_s)):
        step = service.step(m.id)
        rows.append(ScheduleRow(step.title, stage_titles[step.stage], humanize.duration(m.start_s),
                                humanize.duration(m.finish_s), None if m.critical else humanize.duration(m.slack_s),
                                humanize.percent(step.chance) if step.chance is not None and step.chance < 1 else None,
                                step.when, m.start_s, m.finish_s, m.critical))
    return Schedule(tuple(rows), humanize.duration(metrics.lead_time_s),
                    humanize.duration(metrics.expected_lead_time_s),
                    tuple(service.step(step).title for step in metrics.critical_path), metrics.lead_time_s)


def _cost_row(title: str, cost: Cost, currency: str | None) -> CostRow:
    def money(amount: float) -> str:
        return humanize.money(amount, currency)
    return CostRow(title, money(cost.labour), money(cost.direct), money(cost.indirect), money(cost.total),
                   money(cost.waste), cost)


def _costs(service: Service, metrics: Metrics) -> Costs | None:
    """Cost by stage and for the service, when the file gives a currency or anything costs."""
    if not metrics.cost.given:
        return None
    titles = {stage.id: stage.title for stage in service.stages}
    currency = metrics.cost.currency
    return Costs(tuple(_cost_row(titles[stage.id], stage.cost, currency) for stage in metrics.stages),
                 _cost_row(service.title, metrics.cost.cost, currency), humanize.money(metrics.cost.expected, currency))


def worst_first(touchpoint: TouchpointMetrics) -> tuple[float, bool]:
    """How badly a touchpoint is judged: its worst measure on one 0-1 scale (csat 1-5, emotion -2..2, nps
    -100..100; a touchpoint with none comes last), moments of truth first among equals."""
    t = touchpoint
    shares = ([(t.csat - 1) / 4] if t.csat is not None else []) + \
        ([(t.emotion + 2) / 4] if t.emotion is not None else []) + ([(t.nps + 100) / 200] if t.nps is not None else [])
    return min(shares, default=2.0), not t.moment


def _touchpoints(service: Service, metrics: Metrics) -> tuple[TouchRow, ...]:
    if not any(t.moment or t.csat is not None or t.nps is not None for t in metrics.touchpoints):
        return ()
    ranked = sorted(metrics.touchpoints, key=worst_first)     # stable: file order breaks ties
    return tuple(TouchRow(t.name, service.step(t.step).title, t.channel, t.moment,
                          None if t.csat is None else humanize.rating(t.csat),
                          None if t.nps is None else humanize.score(t.nps), t.emotion) for t in ranked)


def _dimensions(service: Service) -> tuple[DimensionRow, ...]:
    """Pain points grouped by SERVQUAL dimension (in the model's order; those naming none last)."""
    if not any(note.dimension for step in service.steps for note in step.pains):
        return ()
    stage_titles = {stage.id: stage.title for stage in service.stages}
    rows = []
    for dimension in (*Dimension, None):
        pains = tuple(PainRow(note.text, step.title, stage_titles[step.stage], step.emotion)
                      for step in service.steps for note in step.pains if note.dimension == dimension)
        if pains:
            rows.append(DimensionRow(None if dimension is None else dimension.value, pains))
    return tuple(rows)


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
        opportunities=_opportunities(service), findings=_findings(findings),
        schedule=_schedule(service, metrics), costs=_costs(service, metrics),
        touchpoints=_touchpoints(service, metrics), dimensions=_dimensions(service))

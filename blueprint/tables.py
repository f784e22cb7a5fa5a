"""Plain-text tables for the terminal (metrics), every number in people's units (via humanize)."""
from __future__ import annotations

from . import humanize
from .metrics import Cost, Metrics, StepMetrics
from .model import Service, Step


def _table(header: list[str], rows: list[list[str]], right: set[int]) -> str:
    widths = [max(len(row[i]) for row in [header] + rows) for i in range(len(header))]

    def line(row: list[str]) -> str:
        return "  ".join(cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
                         for i, cell in enumerate(row)).rstrip()
    return "\n".join([line(header), "  ".join("-" * width for width in widths)] + [line(row) for row in rows]) + "\n"


def _span(start_s: float, finish_s: float) -> str:
    return f"{humanize.duration(start_s)}–{humanize.duration(finish_s)}"


def _costs(cost: Cost, currency: str | None) -> str:
    return " · ".join(f"{name} {humanize.money(amount, currency)}" for name, amount in (
        ("labour", cost.labour), ("direct", cost.direct), ("indirect", cost.indirect), ("waste", cost.waste)))


def _schedule(service: Service, metrics: Metrics, costed: bool, currency: str | None) -> str:
    """Stages and their steps: start–finish, wait, time, value-added time, and cost when the file gives any."""
    header = ["stage", "step", "start–finish", "wait", "time", "value-added"]
    marked = service.uses_after  # without `after` every step is critical: marking them all says nothing
    conditional = any(step.chance is not None or step.when is not None for step in service.steps)
    header += ["slack"] * marked + ["chance"] * conditional + [f"cost {currency or ''}".strip()] * costed
    by_stage: dict[str, list[tuple[StepMetrics, Step]]] = {stage.id: [] for stage in service.stages}
    for step_metrics, step in zip(metrics.steps, service.steps):
        by_stage[step.stage].append((step_metrics, step))
    rows = []
    for stage in metrics.stages:
        rows.append([stage.id, "", _span(stage.start_s, stage.finish_s), "", humanize.duration(stage.time_s),
                     humanize.duration(metrics.stage_value_added_s(stage.id))]
                    + [""] * marked + [""] * conditional + [humanize.money(stage.cost.total)] * costed)
        for m, step in by_stage[stage.id]:
            row = ["", f"{step.id} *" if marked and m.critical else step.id, _span(m.start_s, m.finish_s),
                   humanize.duration(m.wait_s) if m.wait_s else "", humanize.duration(m.time_s),
                   humanize.duration(m.value_added_s)]
            if marked:
                row.append(humanize.duration(m.slack_s) if m.slack_s else "")
            if conditional:
                row.append(" ".join(part for part in (humanize.percent(step.chance) if step.chance is not None else "",
                                                      f"when {step.when}" if step.when else "") if part))
            if costed:
                row.append(humanize.money(m.cost.total))
            rows.append(row)
    return _table(header, rows, {3, 4, 5} | ({6} if marked else set()) | ({len(header) - 1} if costed else set()))


def _touchpoints(metrics: Metrics) -> str:
    rated = [t for t in metrics.touchpoints if t.moment or t.csat is not None or t.nps is not None]
    if not rated:
        return ""
    rows = [[t.name, t.step, t.channel or "", "yes" if t.moment else "", "" if t.csat is None else f"{t.csat:g}",
             humanize.score(t.nps), humanize.score(t.emotion)] for t in rated]
    return "\n" + _table(["touchpoint", "step", "channel", "moment of truth", "csat", "nps", "emotion"], rows,
                         {4, 5, 6})


def metrics_table(service: Service, metrics: Metrics) -> str:
    """The schedule by stage and step, the lead time, the critical path, cost, touchpoints, fail points by risk."""
    cost = metrics.cost
    currency = cost.currency
    costed = cost.given
    ratio = humanize.percent(metrics.value_added_ratio)
    out = [f"{service.title}\n", _schedule(service, metrics, costed, currency),
           f"\nlead time {humanize.duration(metrics.lead_time_s)} · value-added "
           f"{humanize.duration(metrics.value_added_s)} · ratio {ratio or 'n/a'}\n"]
    if any(step.chance is not None for step in service.steps):
        out.append(f"expected lead time {humanize.duration(metrics.expected_lead_time_s)} "
                   "(each step's time weighted by its chance)\n")
    if service.uses_after:
        out.append(f"critical path {' → '.join(metrics.critical_path)} (* critical: a delay there delays the "
                   "lead time)\n")
    if costed:
        out.append(f"cost {humanize.money(cost.cost.total, currency)} · {_costs(cost.cost, currency)} · expected "
                   f"{humanize.money(cost.expected, currency)}\n")
    out.append(_touchpoints(metrics))
    fails = sorted(metrics.fail_points, key=lambda f: (-(f.fail.risk or 0), -(f.fail.rpn or 0), f.step, f.lane))
    if fails:
        out.append("\n" + _table(
            ["fail point", "step.lane", "risk", "rpn", "mitigation"],
            [[f.fail.what, f"{f.step}.{f.lane}", str(f.fail.risk or "-"), str(f.fail.rpn or "-"),
              f.fail.mitigation or "none"] for f in fails], {2, 3}))
    return "".join(out)

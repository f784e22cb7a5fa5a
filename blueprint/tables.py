"""Plain-text tables for the terminal (metrics)."""
from __future__ import annotations

from .durations import format_minutes
from .metrics import Metrics
from .model import Service


def _table(header: list[str], rows: list[list[str]], right: set[int]) -> str:
    widths = [max(len(row[i]) for row in [header] + rows) for i in range(len(header))]

    def line(row: list[str]) -> str:
        return "  ".join(cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
                         for i, cell in enumerate(row)).rstrip()
    return "\n".join([line(header), "  ".join("-" * width for width in widths)] + [line(row) for row in rows]) + "\n"


def metrics_table(service: Service, metrics: Metrics) -> str:
    """Stages and steps in minutes, the lead time, the value-added ratio in %, fail points by risk."""
    rows = []
    for stage in service.stages:
        stage_time = dict(metrics.stages)[stage.id]
        rows.append([stage.id, "", "", format_minutes(stage_time),
                     format_minutes(metrics.stage_value_added_s(stage.id))])
        for step in metrics.steps:
            if step.stage == stage.id:
                rows.append(["", step.id, format_minutes(step.wait_s), format_minutes(step.time_s),
                             format_minutes(step.value_added_s)])
    ratio = metrics.value_added_ratio
    out = [f"{service.title}\n",
           _table(["stage", "step", "wait min", "time min", "value-added min"], rows, {2, 3, 4}),
           f"\nlead time {format_minutes(metrics.lead_time_s)} min · value-added "
           f"{format_minutes(metrics.value_added_s)} min · ratio "
           f"{'n/a' if ratio is None else f'{ratio * 100:.1f} %'}\n"]
    fails = sorted(metrics.fail_points, key=lambda f: (-(f.fail.risk or 0), -(f.fail.rpn or 0), f.step, f.lane))
    if fails:
        out.append("\n" + _table(
            ["fail point", "step.lane", "risk", "rpn", "mitigation"],
            [[f.fail.what, f"{f.step}.{f.lane}", str(f.fail.risk or "-"), str(f.fail.rpn or "-"),
              f.fail.mitigation or "none"] for f in fails], {2, 3}))
    return "".join(out)

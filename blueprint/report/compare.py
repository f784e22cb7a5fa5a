"""The comparison report: `comparison_report(diff, fmt, paper, portrait, date)` gives PDF or HTML bytes."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

from markupsafe import Markup

from ..diff import Diff, marks
from ..diff_text import HEADLINE, metric_rows, other_changes, step_changes, step_order
from ..findings import UsageError
from ..i18n import label
from ..model import Service, Step
from ..render.customers import curve_lanes
from . import check_options, report_date
from .compare_charts import Curve, StagePair, emotion_pairs, stage_pairs
from .context import FindingRow, _findings
from .diagrams import section
from .paper import page_for
from .template import _chart, asset, environment


@dataclass(frozen=True)
class StepRow:
    """A step added or removed: its title, its stage and what each lane does in it."""

    title: str
    stage: str
    actions: tuple[str, ...]


@dataclass(frozen=True)
class OpenRow:
    finding: FindingRow
    was: str | None             # the old message, when it changed


def _step_row(service: Service, step: Step) -> StepRow:
    stage = next(stage.title for stage in service.stages if stage.id == step.stage)
    return StepRow(step.title, stage, tuple(f"{service.lane(a.lane).title}: {a.text}" for a in step.actions))


def _stage_pairs(diff: Diff, old: Service, new: Service) -> list[StagePair]:
    titles = {stage.id: stage.title for stage in (*old.stages, *new.stages)}
    ids = [stage.id for stage in new.stages] + [s.id for s in old.stages if s.id not in {t.id for t in new.stages}]
    assert diff.metrics is not None
    return [StagePair(titles[stage], diff.metrics[f"stage.{stage}.time_s"]["old"],
                      diff.metrics[f"stage.{stage}.time_s"]["new"]) for stage in ids]


def _curves(order: list[str], old: Service, new: Service) -> list[Curve]:
    position = {step: index for index, step in enumerate(order)}
    curves = []
    for service, is_old in ((old, True), (new, False)):
        for lane, scores in curve_lanes(service).items():      # the journey map's curves, one per customer lane
            runs: list[list[tuple[int, int]]] = [[]]
            for step in service.steps:
                if step.id in scores:
                    runs[-1].append((position[step.id], scores[step.id]))
                elif runs[-1]:
                    runs.append([])
            curves.append(Curve(service.lane(lane).title, is_old, tuple(tuple(run) for run in runs if run)))
    return curves


def comparison_report(diff: Diff, fmt: str = "pdf", paper_name: str = "a4", portrait: bool = False,
                      date: str | None = None) -> bytes:
    """The comparison of two valid versions as a report: the numbers, time per stage, both emotion curves, the new
    blueprint with its changes marked, the steps removed and added, the findings, and what changed per step."""
    check_options(fmt, paper_name)
    old, new = diff.old.service, diff.new.service
    if old is None or new is None:
        raise UsageError("cannot compare an invalid file", file=(diff.new if new is None else diff.old).file)
    page = page_for(paper_name, portrait)
    t = partial(label, new.lang)
    order = step_order(old, new)
    curves = _curves(order, old, new)
    titles = {step.id: step.title for step in (*old.steps, *new.steps)}
    steps = diff.sections["steps"] if diff.sections else None
    assert steps is not None
    from .pdf import html_to_pdf, preload

    with ThreadPoolExecutor(max_workers=1) as pool:
        # the future blueprint's pages follow the first (the numbers): its connectors name pages from 2 on
        drawn = pool.submit(section, new, "blueprint", page, first_page=2, marks=marks(diff))
        if fmt == "pdf":
            preload()       # here, not in the worker: an import there would hang were the caller being imported
        html = environment().from_string(asset("compare.html.j2")).render(
            t=t, lang=new.lang, old=diff.old.file, new=diff.new.file, old_title=old.title, title=new.title,
            date=report_date(date), page_size=page.css_size,
            css=Markup(asset("report.css")),      # our own packaged stylesheet, not user text
            headline=metric_rows(diff, HEADLINE), numbers=metric_rows(diff, changed_only=True),
            bars=_chart(stage_pairs(_stage_pairs(diff, old, new), t("cmp.old"), t("cmp.new"), page.content_width)),
            emotions=_chart(emotion_pairs([titles[step] for step in order], curves, page.content_width - 8,
                                          t("cmp.old"), t("cmp.new"))) if curves else None,
            future=drawn.result(),
            removed=[_step_row(old, old.step(key)) for key, _ in steps.removed],
            added=[_step_row(new, new.step(key)) for key, _ in steps.added],
            resolved=_findings(diff.resolved), found=_findings(diff.added),
            still=[OpenRow(row, before.message if before.message != now.message else None)
                   for row, (before, now) in zip(_findings([now for _, now in diff.open]), diff.open)],
            changes=step_changes(diff), other=other_changes(diff))
    return html.encode("utf-8") if fmt == "html" else html_to_pdf(html)


"""Incremental, parallel builds of a folder of service files into a mirrored output folder."""
from __future__ import annotations

import json
import os
import signal
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import __version__
from .api import Document, check_bytes, find_service_files, read_source
from .findings import BlueprintError, UsageError
from .formats import as_text
from .manifest import Entry, Manifest, Output, inside, is_current, remove_output, sha256
from .outputs import FORMATS, VIEWS, output_names, plan_outputs, render_outputs
from .progress import Progress
from .write import write_atomic

REPORT = ("report", "pdf")          # the report is `STEM.report.pdf`
TOOL = f"blueprint {__version__}"


@dataclass(frozen=True)
class Options:
    """What every source is built with; any change rebuilds everything."""

    formats: tuple[str, ...] = ("svg",)
    report: bool = False

    def __post_init__(self) -> None:
        unknown = [fmt for fmt in self.formats if fmt not in FORMATS]
        if unknown or not self.formats:
            raise UsageError(f"unknown format {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}")

    @property
    def digest(self) -> str:
        return sha256(json.dumps({"views": VIEWS, "formats": self.formats, "report": self.report}).encode())


@dataclass(frozen=True)
class Job:
    """One source to build: its path relative to SRC, content, and outputs relative to OUT."""

    name: str
    source: Path
    raw: bytes
    outputs: tuple[str, ...]
    reason: str


@dataclass
class Plan:
    """What a build would do: the jobs, the sources already current, the deleted sources."""

    src: Path
    out: Path
    options: Options
    manifest: Manifest
    jobs: list[Job] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)

    @property
    def deleted(self) -> list[str]:
        """Sources the manifest knows that are gone: their outputs are to be removed."""
        present = {job.name for job in self.jobs} | set(self.current) | {name for name, _ in self.unreadable}
        return sorted(set(self.manifest.entries) - present)

    def stale(self) -> list[str]:
        """One line per source whose outputs are missing or stale: what `--check` prints."""
        lines = [f"{job.source}: {job.reason}" for job in self.jobs]
        lines += [f"{self.src / name}: {message}" for name, message in self.unreadable]
        lines += [f"{self.src / name}: source deleted, its outputs are still in {self.out}" for name in self.deleted]
        return sorted(lines)


@dataclass(frozen=True)
class Made:
    """A worker's answer for one job: the output bytes, or what went wrong."""

    name: str
    data: tuple[bytes, ...] | None
    problem: str = ""
    exit_code: int = 0


@dataclass
class Summary:
    built: int = 0
    unchanged: int = 0
    failed: int = 0
    removed: int = 0
    seconds: float = 0.0
    exit_code: int = 0

    def __str__(self) -> str:
        return (f"{self.built} built, {self.unchanged} unchanged, {self.failed} failed, "
                f"{self.removed} removed in {self.seconds:.2f} s")


def _relative(path: Path, root: Path) -> str:
    return PurePosixPath(*path.relative_to(root).parts).as_posix()


def _output_names(src: Path, sources: list[Path], out: Path, options: Options) -> dict[Path, tuple[str, ...]]:
    """Each source's outputs relative to OUT, mirroring SRC's folders; clashes are usage errors."""
    by_folder: dict[Path, list[Path]] = {}
    for source in sources:
        by_folder.setdefault(source.parent, []).append(source)
    names: dict[Path, tuple[str, ...]] = {}
    for folder, group in by_folder.items():
        target = out.joinpath(*folder.relative_to(src).parts)
        for source, paths in plan_outputs(group, target, VIEWS, options.formats).items():
            report = [target / name for name in output_names(source, *([part] for part in REPORT))]
            names[source] = tuple(_relative(path, out) for path in paths + (report if options.report else []))
    return names


def _reason(entry: Entry | None, digest: str, options: Options) -> str:
    if entry is None:
        return "not built yet"
    if entry.source != digest:
        return "changed since it was built"
    if entry.options != options.digest or entry.version != TOOL:
        return "built with other options or another version"
    return "outputs missing or changed"


def plan_build(src: Path, out: Path, options: Options) -> Plan:
    """Compare every service file under `src` with the manifest in `out`; builds nothing."""
    if not src.is_dir():
        raise UsageError("not a folder", file=str(src))
    if out.exists() and not out.is_dir():
        raise UsageError("-o must be a folder", file=str(out))
    if options.report:
        _report_maker()
    sources = find_service_files(src)
    plan = Plan(src, out, options, Manifest.load(out))
    for source, outputs in _output_names(src, sources, out, options).items():
        name = _relative(source, src)
        try:
            raw = read_source(source)
        except UsageError as error:
            plan.unreadable.append((name, error.message))
            continue
        digest, entry = sha256(raw), plan.manifest.entries.get(name)
        if is_current(entry, out, digest, options.digest, TOOL, outputs):
            plan.current.append(name)
        else:
            plan.jobs.append(Job(name, source, raw, outputs, _reason(entry, digest, options)))
    return plan


def _report_maker() -> Callable[[Document], bytes]:
    """The PDF report's entry point (`report_pdf(document) -> bytes`), or a usage error when there is none."""
    try:
        from .report import report_pdf
    except ImportError as error:
        raise UsageError(f"--report is not available: {error}") from None
    return report_pdf


def make_outputs(job: Job, options: Options) -> Made:
    """Check and draw one source (in a worker process or in-process); writes nothing."""
    document = check_bytes(job.raw, str(job.source))
    if document.service is None:
        return Made(job.name, None, as_text(document.errors), 1)
    try:
        data = render_outputs(document.service, VIEWS, options.formats)
        if options.report:
            data.append(_report_maker()(document))
    except BlueprintError as error:
        return Made(job.name, None, f"{job.source}: {error}", error.exit_code)
    except Exception:  # a bug drawing one file must not stop the others; its traceback is shown, exit 1
        return Made(job.name, None, f"{job.source}: internal error (a bug in blueprint, please report it):\n"
                    + traceback.format_exc(), 1)
    return Made(job.name, tuple(data))


def _quiet_worker() -> None:
    """Workers leave Ctrl-C to the parent, which stops the pool and keeps what is done."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def _results(jobs: list[Job], options: Options, workers: int) -> Iterator[Iterator[Made]]:
    """Each job's result as it finishes, largest sources first so the pool stays busy.

    With a pool, every job is submitted (and every worker forked) on entry, before any progress
    display starts a thread; on exit, jobs not yet started are cancelled.
    """
    jobs = sorted(jobs, key=lambda job: (-len(job.raw), job.name))
    if workers <= 1:
        yield (make_outputs(job, options) for job in jobs)
        return
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_quiet_worker)
    try:
        futures = [pool.submit(make_outputs, job, options) for job in jobs]
        yield (future.result() for future in as_completed(futures))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _write(plan: Plan, job: Job, data: tuple[bytes, ...]) -> Entry:
    """Write one source's outputs atomically (identical files are left alone); its new manifest entry."""
    outputs = []
    for name, payload in zip(job.outputs, data, strict=True):
        target = inside(plan.out, name)
        if target is None:
            raise UsageError("refusing to write outside the output folder", file=str(plan.out / name))
        write_atomic(target, payload)
        outputs.append(Output(name, len(payload), sha256(payload)))
    return Entry(sha256(job.raw), plan.options.digest, TOOL, tuple(outputs))


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_build(plan: Plan, jobs: int, progress: Progress) -> Summary:
    """Build the plan's jobs with `jobs` processes, remove outputs of deleted sources, save the manifest."""
    started = time.perf_counter()
    summary = Summary(unchanged=len(plan.current))
    previous = plan.manifest.claimed()
    entries = dict(plan.manifest.entries)
    for name, message in plan.unreadable:
        progress.problem(f"{plan.src / name}: {message}")
        summary.failed += 1
        summary.exit_code = 2
    by_name = {job.name: job for job in plan.jobs}
    try:
        with _results(plan.jobs, plan.options, min(jobs, len(plan.jobs))) as results:
            progress.start(len(plan.jobs))
            for made in results:
                job = by_name[made.name]
                if made.data is None:
                    progress.problem(made.problem)
                    summary.failed += 1
                    summary.exit_code = max(summary.exit_code, made.exit_code)
                    progress.advance(f"failed {job.source}")
                    continue
                entries[job.name] = _write(plan, job, made.data)
                summary.built += 1
                progress.advance(f"built {job.source}")
        for name in plan.deleted:
            del entries[name]
        claimed = Manifest(entries).claimed()
        for name in sorted(previous - claimed):
            if remove_output(plan.out, name):
                summary.removed += 1
                progress.info(f"removed {plan.out / name}")
    finally:
        Manifest(entries).save(plan.out)
    summary.seconds = time.perf_counter() - started
    return summary


def build(src: Path, out: Path, options: Options, jobs: int, progress: Progress) -> Summary:
    """Plan and run one build."""
    return run_build(plan_build(src, out, options), jobs, progress)


"""Incremental, parallel builds of a folder of service files into a mirrored output folder."""
from __future__ import annotations

import errno
import fcntl
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
from .manifest import (LOCK_NAME, WHOLE, Entry, Manifests, Output, Shard, current_entry, inside, remove_output,
                       sha256)
from .oneline import one_line
from .outputs import FORMATS, VIEWS, output_names, plan_outputs, render_outputs
from .progress import Progress
from .write import write_atomic

REPORT = ("report", "pdf")          # the report is `STEM.report.pdf`
TOOL = f"blueprint {__version__}"
LOCK_WAIT_S = 120.0                 # how long a second build of one OUT waits for the first before giving up


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
    """What a build (of one shard) would do: the jobs, the sources already current, the deleted sources."""

    src: Path
    out: Path
    options: Options
    manifests: Manifests
    shard: Shard = WHOLE
    jobs: list[Job] = field(default_factory=list)
    current: dict[str, Entry] = field(default_factory=dict)
    unreadable: list[tuple[str, str]] = field(default_factory=list)

    @property
    def known(self) -> list[str]:
        """The sources of this shard that a manifest lists."""
        return sorted(name for name in self.manifests.sources() if self.shard.owns(name))

    @property
    def deleted(self) -> list[str]:
        """Sources of this shard the manifests know that are gone: their outputs are to be removed."""
        present = {job.name for job in self.jobs} | set(self.current) | {name for name, _ in self.unreadable}
        return [name for name in self.known if name not in present]

    def stale(self) -> list[str]:
        """One line per source whose outputs are missing or stale: what `--check` prints."""
        lines = [f"{job.source}: {job.reason}" for job in self.jobs]
        lines += [f"{self.src / name}: {message}" for name, message in self.unreadable]
        lines += [f"{self.src / name}: source deleted, its outputs are still in {self.out}" for name in self.deleted]
        return sorted(one_line(line) for line in lines)


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


def _reason(entries: list[Entry], digest: str, options: Options) -> str:
    if not entries:
        return "not built yet"
    if all(entry.source != digest for entry in entries):
        return "changed since it was built"
    if all(entry.options != options.digest or entry.version != TOOL for entry in entries):
        return "built with other options or another version"
    return "outputs missing or changed"


def parse_shard(text: str) -> Shard:
    """`I/N` (1 <= I <= N) as a Shard; anything else is a usage error."""
    index, slash, count = text.partition("/")
    if not (slash and index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count) <= 999_999):
        raise UsageError(f"--shard must be I/N with 1 <= I <= N, not {text!r}")
    return Shard(int(index), int(count))


def under(resolved: Path, root: Path) -> bool:
    """Whether the resolved path is the resolved folder `root` or lies inside it.

    The one rule that keeps `build` and `watch` from ever reading a source from inside OUT.
    """
    return resolved == root or str(resolved).startswith(str(root).rstrip(os.sep) + os.sep)


def _outside(sources: list[Path], out: Path) -> list[Path]:
    """The sources that do not resolve into `out`; each folder is resolved once, a symlinked file on its own."""
    ours = out.resolve()
    folders: dict[Path, Path] = {}
    kept = []
    for source in sources:
        folder = folders.get(source.parent)
        if folder is None:
            folder = folders[source.parent] = source.parent.resolve()
        if not under(source.resolve() if source.is_symlink() else folder / source.name, ours):
            kept.append(source)
    return kept


def _check_folders(src: Path, out: Path) -> None:
    if not src.is_dir():
        raise UsageError("not a folder", file=str(src))
    if out.exists() and not out.is_dir():
        raise UsageError("-o must be a folder", file=str(out))


def _planned_outputs(src: Path, out: Path, options: Options) -> dict[Path, tuple[str, ...]]:
    """Every service file under `src` but outside `out`, with its outputs; bad usage raises before any work.

    Output names are planned for every source, so two sources claiming one output clash in every shard.
    """
    _check_folders(src, out)
    if options.report:
        _report_maker()
    return _output_names(src, _outside(find_service_files(src), out), out, options)


def plan_build(src: Path, out: Path, options: Options, shard: Shard = WHOLE) -> Plan:
    """Compare every service file under `src` (outside `out`) in `shard` with the manifests in `out`; builds nothing."""
    return _plan(src, out, options, shard, _planned_outputs(src, out, options))


def _plan(src: Path, out: Path, options: Options, shard: Shard, planned: dict[Path, tuple[str, ...]]) -> Plan:
    plan = Plan(src, out, options, Manifests.load(out), shard)
    for source, outputs in planned.items():
        name = _relative(source, src)
        if not shard.owns(name):
            continue
        try:
            raw = read_source(source)
        except UsageError as error:
            plan.unreadable.append((name, error.message))
            continue
        digest, candidates = sha256(raw), plan.manifests.candidates(name)
        entry = current_entry(candidates, out, digest, options.digest, TOOL, outputs)
        if entry is not None:
            plan.current[name] = entry
        else:
            plan.jobs.append(Job(name, source, raw, outputs, _reason(candidates, digest, options)))
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
        return Made(job.name, None, one_line(f"{job.source}: {error}"), error.exit_code)
    except Exception:  # a bug drawing one file must not stop the others; its traceback is shown, exit 1
        return Made(job.name, None, one_line(f"{job.source}: internal error (a bug in blueprint, please report it):")
                    + "\n" + traceback.format_exc(), 1)
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


def _remove_stale(plan: Plan, entries: dict[str, Entry], summary: Summary, progress: Progress) -> None:
    """Delete what this shard's sources once made and no longer make, if it is still what was written."""
    manifests = plan.manifests
    previous = manifests.recorded(plan.known)
    claimed = {output.path for entry in entries.values() for output in entry.outputs}
    claimed |= set(manifests.recorded(name for name in manifests.sources() if not plan.shard.owns(name)))
    for name in sorted(set(previous) - claimed):
        outcome = remove_output(plan.out, name, previous[name])
        if outcome == "removed":
            summary.removed += 1
            progress.info(one_line(f"removed {plan.out / name}"))
        elif outcome == "edited":
            progress.info(one_line(f"kept {plan.out / name}: edited since it was built"))


def run_build(plan: Plan, jobs: int, progress: Progress) -> Summary:
    """Build the plan's jobs with `jobs` processes, remove outputs of deleted sources, save the manifest.

    Run it holding `locked(plan.out)`, as `build` does, so that no other build changes OUT meanwhile.
    """
    started = time.perf_counter()
    summary = Summary(unchanged=len(plan.current))
    for warning in plan.manifests.warnings:
        progress.problem(f"blueprint: {warning}")
    # Until a source is built again its last entry stands, so an interrupted build leaves nothing untracked.
    entries = {name: plan.manifests.candidates(name)[0] for name in plan.known} | plan.current
    for name, message in plan.unreadable:
        progress.problem(one_line(f"{plan.src / name}: {message}"))
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
                    progress.advance(one_line(f"failed {job.source}"))
                    continue
                entries[job.name] = _write(plan, job, made.data)
                summary.built += 1
                progress.advance(one_line(f"built {job.source}"))
        for name in plan.deleted:
            del entries[name]
        _remove_stale(plan, entries, summary, progress)
    finally:
        plan.manifests.save(plan.shard, entries)
    summary.seconds = time.perf_counter() - started
    return summary


def _open_lock(path: Path) -> int:
    """The lock file, created if need be; a symlink in its place is replaced, never followed out of OUT."""
    flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW
    try:
        return os.open(path, flags, 0o644)
    except OSError as error:
        if error.errno != errno.ELOOP:
            raise
    path.unlink()
    return os.open(path, flags, 0o644)


@contextmanager
def locked(out: Path, waiting: Callable[[str], None], wait_s: float = LOCK_WAIT_S) -> Iterator[None]:
    """Hold the OS lock on OUT (`flock` on OUT/.blueprint.lock) for a build.

    A second build of the same OUT waits for the first, up to `wait_s`, then gives up with exit 2.
    The lock goes with the process: a killed build never leaves OUT locked.
    """
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = _open_lock(out / LOCK_NAME)
    except OSError as error:
        raise UsageError(f"cannot lock the output folder: {error.strerror or error}", file=str(out)) from None
    try:
        deadline = time.monotonic() + wait_s
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise UsageError(f"another build is writing {out} (waited {wait_s:g} s)") from None
                if not told:
                    waiting(one_line(f"waiting: another build is writing {out}"))
                    told = True
                time.sleep(0.05)
            except OSError as error:            # a file system without locks (some network mounts)
                raise UsageError(f"cannot lock the output folder: {error.strerror or error}", file=str(out)) from None
        yield
    finally:
        os.close(fd)


def build(src: Path, out: Path, options: Options, jobs: int, progress: Progress, shard: Shard = WHOLE) -> Summary:
    """Plan and run one build (of one shard), holding the lock on OUT; bad usage stops it before OUT is made."""
    planned = _planned_outputs(src, out, options)
    with locked(out, progress.problem):
        return run_build(_plan(src, out, options, shard, planned), jobs, progress)


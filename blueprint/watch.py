"""Watch a folder of service files and rebuild what changes, until Ctrl-C."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .build import Options, build, plan_build, under
from .findings import BlueprintError
from .progress import Progress

if TYPE_CHECKING:
    from watchfiles import Change


def _build_once(src: Path, out: Path, options: Options, jobs: int, progress: Callable[[], Progress]) -> None:
    """One incremental build; a usage problem (say, two files claiming one output) is printed, not fatal."""
    with progress() as shown:
        try:
            summary = build(src, out, options, jobs, shown)
        except BlueprintError as error:
            shown.problem(f"blueprint: {error}")
            return
        shown.info(str(summary))


def watch(src: Path, out: Path, options: Options, jobs: int, progress: Callable[[], Progress]) -> None:
    """Build, then rebuild on every batch of changes under `src` (outside `out`); returns on Ctrl-C."""
    from watchfiles import DefaultFilter
    from watchfiles import watch as changes_under

    plan_build(src, out, options)           # bad usage (SRC not a folder, OUT a file) stops here, exit 2
    outside = DefaultFilter()
    ours = out.resolve()

    def relevant(change: Change, path: str) -> bool:
        return outside(change, path) and not under(Path(path).resolve(), ours)

    try:
        _build_once(src, out, options, jobs, progress)
        progress().info(f"watching {src} (Ctrl-C to stop)")
        for _ in changes_under(src, watch_filter=relevant):
            _build_once(src, out, options, jobs, progress)
    except KeyboardInterrupt:
        pass
    progress().info("stopped watching")

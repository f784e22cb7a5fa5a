"""Which files a render makes from a source (`STEM.VIEW.FMT`), and their bytes."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from .findings import UsageError
from .model import Service
from .render import FORMATS, VIEWS, Marks, render
from .write import check_target

__all__ = ["FORMATS", "VIEWS", "output_names", "plan_outputs", "render_outputs"]


def output_names(source: Path, views: Sequence[str], formats: Sequence[str]) -> list[str]:
    """`STEM.VIEW.FMT` for each view and format (a `.zh` or other inner suffix stays in the stem)."""
    stem = source.name.rsplit(".", 1)[0]
    return [f"{stem}.{view}.{fmt}" for view in views for fmt in formats]


def plan_outputs(sources: Iterable[Path], folder: Path | None, views: Sequence[str],
                 formats: Sequence[str]) -> dict[Path, list[Path]]:
    """Each source's output paths; two sources mapped to one output is a usage error, before any work."""
    plan: dict[Path, list[Path]] = {}
    claimed: dict[Path, Path] = {}
    for source in sources:
        target_folder = folder if folder is not None else source.parent
        targets = [target_folder / name for name in output_names(source, views, formats)]
        for target in targets:
            other = claimed.get(target.resolve())
            if other is not None and other != source:
                raise UsageError(f"both {other} and {source} would write this file", file=str(target))
            check_target(target)
            claimed[target.resolve()] = source
        plan[source] = targets
    return plan


def render_outputs(service: Service, views: Sequence[str], formats: Sequence[str],
                   marks: Marks | None = None) -> list[bytes]:
    """The bytes of each view in each format, in `output_names` order (with a comparison's `marks`)."""
    return [render(service, view, fmt, marks=marks) for view in views for fmt in formats]

"""Drawing a service: `render(service, view, fmt)` gives the bytes of a blueprint or journey map."""
from __future__ import annotations

import re

from ..findings import UsageError
from ..graphviz import run_dot
from ..model import Service
from .legend import legend_items
from .marks import Marks
from .subset import split_stages, sub_service

VIEWS = ("blueprint", "journey")
FORMATS = ("svg", "png", "pdf", "dot")
MAX_STEPS = 1000            # beyond this one page is unreadable and Graphviz's routing too costly
MAX_CELLS = 12000           # steps x lanes
MAX_ID = 1000               # Graphviz refuses quoted strings over 16,384 bytes; ids become element ids
PNG_MAX_PX = 32767          # cairo's bitmap limit
PNG_DPI = 96.0
PNG_MIN_DPI = 24.0

__all__ = ["FORMATS", "VIEWS", "Marks", "dot_source", "legend_items", "render", "split_stages", "sub_service"]


def dot_source(service: Service, view: str, stages: tuple[str, ...] | None = None,
               whole: Service | None = None, marks: Marks | None = None) -> str:
    """The DOT text of `view` for `service` (or only its `stages`), with a comparison's `marks`; plain `dot -Tsvg`
    draws it. A `service` that is a part cut from a larger one names it as `whole`: its schedule is the whole
    service's."""
    if view not in VIEWS:
        raise UsageError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")
    whole = whole or service
    if stages:
        service = sub_service(service, stages)
    ids = [lane.id for lane in service.lanes] + [stage.id for stage in service.stages] + \
        [step.id for step in service.steps]
    long = next((ident for ident in ids if len(ident) > MAX_ID), None)
    if long is not None:
        raise UsageError(f"id {long[:40]}… is too long to draw ({len(long)} characters; at most {MAX_ID})")
    steps = len(service.steps)
    if steps > MAX_STEPS or steps * len(service.lanes) > MAX_CELLS:
        raise UsageError(f"{steps} steps in {len(service.lanes)} lanes is too large for one page; "
                         "split by stage (draw the stages in parts)")
    # each view imports only its own drawing code: `render --view journey` starts 10 ms sooner
    if view == "blueprint":
        from .blueprint_view import blueprint_dot
        from .schedule import timings

        return blueprint_dot(service, timings(whole), marks=marks)
    from .journey_view import journey_dot

    return journey_dot(service, marks=marks)


def _png_args(source: str) -> tuple[str, ...]:
    """A resolution that keeps the bitmap under cairo's limit, or a clear error when none is legible."""
    bb = source.split('bb="0,0,', 1)[1].split('"', 1)[0]
    largest = max(float(part) for part in bb.split(","))
    dpi = min(PNG_DPI, PNG_MAX_PX * 72 / largest)
    if dpi < PNG_MIN_DPI:
        raise UsageError("too large for a PNG (over 32,767 pixels even at low resolution); "
                         "use -f svg or -f pdf, or split by stage")
    return (f"-Gdpi={dpi:.2f}",)


def render(service: Service, view: str, fmt: str, stages: tuple[str, ...] | None = None,
           whole: Service | None = None, marks: Marks | None = None) -> bytes:
    """The `view` of `service` (or only its `stages`, lane titles on every part) as `fmt` bytes; `whole` as
    for `dot_source`; `marks` shows what changed since an older version."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    source = dot_source(service, view, stages, whole, marks)
    if fmt == "dot":
        return source.encode("utf-8")
    data = run_dot(source, fmt, _png_args(source) if fmt == "png" else ())
    if fmt == "svg":
        return tidy_svg(data)
    return _CREATION_DATE.sub(_fixed_date, data) if fmt == "pdf" else data


def tidy_svg(svg: bytes) -> bytes:
    """Graphviz's SVG with `-` written plainly: it writes `&#45;`, so `id="stage.check&#45;in"` would not
    match a text search for the FORMAT.md id. Safe: comments, where `--` is illegal, hold only our node names."""
    return svg.replace(b"&#45;", b"-")


_CREATION_DATE = re.compile(rb"/CreationDate \(D:[0-9Z+\-']+\)")


def _fixed_date(match: re.Match[bytes]) -> bytes:
    """The PDF creation date (cairo writes the clock time) replaced by one of the same length, for
    byte-identical output; the length is kept so the cross-reference offsets stay right."""
    fixed = b"/CreationDate (D:20000101000000Z"
    return fixed + b" " * (len(match.group(0)) - len(fixed) - 1) + b")"

"""The workshop report: `report(document, fmt, paper, portrait, date)` gives PDF or HTML bytes."""
from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import date as Date, datetime, timezone
from pathlib import Path

from ..api import Document
from ..findings import UsageError
from ..metrics import measure
from ..model import Service
from ..rules import flags
from .context import Context, build_context
from .diagrams import Section, inline_section, legend, section
from .paper import FIGURE_CHROME, MARGIN_BOTTOM, PAPERS, Paper, page_for
from .pdf import Laid
from .template import DIAGRAMS, render_html

FORMATS = ("pdf", "html")
UNDER_COVER = 6.0           # the gap between the cover and the figure under it (report.css: .under-cover)

__all__ = ["FORMATS", "PAPERS", "format_for", "report", "report_date", "report_pdf"]


def format_for(path: Path) -> str:
    """The report format an output file's suffix asks for."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UsageError(f"the report's file name must end in .pdf or .html, not {path.suffix or '(nothing)'!r}",
                         file=str(path))
    return fmt


def report_date(given: str | None) -> str | None:
    """The date to print: `given` (YYYY-MM-DD), else SOURCE_DATE_EPOCH's day (UTC), else none at all."""
    if given is not None:
        try:
            return Date.fromisoformat(given).isoformat()
        except ValueError:
            raise UsageError(f"--date must be YYYY-MM-DD, not {given!r}") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return None
    try:
        return datetime.fromtimestamp(int(epoch), timezone.utc).date().isoformat()
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"SOURCE_DATE_EPOCH must be a number of seconds, not {epoch!r}") from None


def check_options(fmt: str, paper_name: str) -> None:
    """A usage error for a report format or paper we do not make."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if paper_name not in PAPERS:
        raise UsageError(f"unknown paper {paper_name!r}; choose one of {', '.join(PAPERS)}")


def report(source: Document | Service, fmt: str = "pdf", paper_name: str = "a4", portrait: bool = False,
           date: str | None = None) -> bytes:
    """The report of a valid service (a checked Document, or a Service whose flags are computed here)."""
    check_options(fmt, paper_name)
    if isinstance(source, Document):
        if source.service is None:
            raise UsageError("cannot report on an invalid file", file=source.file)
        service, findings = source.service, source.findings
    else:
        service, findings = source, tuple(sorted(flags(source, "", False), key=lambda f: f.sort_key))
    page = page_for(paper_name, portrait)
    context = build_context(service, measure(service), findings, report_date(date))
    if fmt == "html":
        sections = {view: inline_section(service, view) for view, _ in DIAGRAMS}
        return render_html(context, sections, page, False).encode("utf-8")
    return _pdf(service, context, page)


def _pdf(service: Service, context: Context, page: Paper) -> bytes:
    """The PDF report. While a worker thread has Graphviz draw the journey, WeasyPrint is imported here (in the
    caller's thread: an import in a worker would hang were the caller itself being imported) and the cover
    measured, so the journey's first figure can take the room under it (or under the title alone, the rest of the
    cover then opening the tables); the tables' layout is chosen in the worker while Graphviz draws the
    blueprint; the blueprint's connectors name the pages its figures landed on, read back from the laid-out
    document (drawn again when the guess was wrong)."""
    from .pdf import lay_out, preload

    legends = {view: legend(service, view, page) for view, _ in DIAGRAMS}
    cover = render_html(context, {view: Section(key, ()) for view, key in legends.items()}, page, part="cover")

    def room_under_cover() -> tuple[float, float, float]:
        """The heights left on page 1 under the whole cover (none when it runs over) and under its title, and
        the height of the cover without its title (a page's, when it runs over)."""
        laid = lay_out(cover)
        whole, title = laid.where("cover-end"), laid.where("title-end")
        body = whole[1] - title[1] if whole and title and whole[0] == title[0] == 1 else page.figure_height
        return room(whole), room(title) or page.figure_height, body   # too little room: the figure starts a page

    def room(end: tuple[int, float] | None) -> float:
        left = 0.0 if end is None or end[0] > 1 else page.height - MARGIN_BOTTOM - end[1] - FIGURE_CHROME - UNDER_COVER
        return left if left > page.figure_height / 3 else 0.0

    rooms: Future[tuple[float, float, float]] = Future()
    with ThreadPoolExecutor(max_workers=1) as pool:
        drawing = pool.submit(section, service, "journey", page, first_room=rooms.result, with_legend=False)
        try:
            preload()
            rooms.set_result(room_under_cover())
        except BaseException as exc:        # the drawing waits for the rooms: let it end too
            rooms.set_exception(exc)
            raise
        journey = replace(drawing.result(), legend=legends["journey"])
        heads = {"journey": replace(journey, tiles=()), "blueprint": Section(legends["blueprint"], ())}
        if journey.cover_with:      # the cover is not at the tables: measure them without it
            heads["journey"] = replace(heads["journey"], cover_with=1)
        tables = pool.submit(_tables_layout, lambda pair, tight: lay_out(
            render_html(context, heads, page, part="tables", pair=pair, tight=tight)))
        first = len(journey.tiles) + 1
        pages: list[int] | None = None
        for _ in range(3):
            blueprint = section(service, "blueprint", page, first, pages=pages, with_legend=False)
            sections = {"journey": journey, "blueprint": replace(blueprint, legend=legends["blueprint"])}
            pair, tight = tables.result()
            laid = lay_out(render_html(context, sections, page, pair=pair, tight=tight))
            expected = pages or [first + index for index in range(len(blueprint.tiles))]
            landed = [laid.where(f"blueprint-{tile.part}") for tile in blueprint.tiles]
            found = [where[0] if where else number for where, number in zip(landed, expected)]
            if found == expected:
                break
            pages = found
    return laid.pdf()


def _tables_layout(lay: Callable[[bool, bool], Laid]) -> tuple[bool, bool]:
    """(pair, tight) for the tables, the one on the fewest pages: the wait and metric tables beside the risk matrix,
    in one column, or beside it and dense."""
    options = ((True, False), (False, False), (True, True))       # the first wins a tie
    return min(options, key=lambda option: lay(*option).pages)


def report_pdf(source: Document | Service) -> bytes:
    """The A4 landscape PDF report, as `build --report` writes it."""
    return report(source, "pdf")

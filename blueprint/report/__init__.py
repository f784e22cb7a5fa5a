"""The workshop report: `report(document, fmt, paper, portrait, date)` gives PDF or HTML bytes."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import date as Date, datetime, timezone
from pathlib import Path

from ..api import Document
from ..findings import UsageError
from ..metrics import measure
from ..model import Service
from ..rules import flags
from .context import build_context
from .diagrams import Section, inline_section, section
from .paper import PAPERS, page_for
from .template import DIAGRAMS, render_html

FORMATS = ("pdf", "html")

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
    from .pdf import html_to_pdf, preload

    # Graphviz runs in subprocesses while WeasyPrint is imported; the blueprint's connectors name pages, so it
    # is laid out after the diagrams before it (the cover is page 1, every figure one page).
    with ThreadPoolExecutor(max_workers=1) as pool:
        loading = pool.submit(preload) if fmt == "pdf" else None
        sections: dict[str, Section] = {}
        for view, _ in DIAGRAMS:
            sections[view] = (inline_section(service, view) if fmt == "html" else
                              section(service, view, page, 2 + sum(len(s.tiles) for s in sections.values())))
        html = render_html(context, sections, page, fmt == "pdf")
        if loading is not None:
            loading.result()
    return html.encode("utf-8") if fmt == "html" else html_to_pdf(html)


def report_pdf(source: Document | Service) -> bytes:
    """The A4 landscape PDF report, as `build --report` writes it."""
    return report(source, "pdf")

"""HTML to PDF bytes with WeasyPrint, imported only here, when a PDF is made."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..findings import UsageError
from .fetcher import make_fetcher

OPTIONS: dict[str, Any] = {"attachments": None, "pdf_identifier": False}
PX = 0.75                   # points per CSS pixel, WeasyPrint's unit for positions


def preload() -> None:
    """Import WeasyPrint (most of a second) ahead of use, while a worker thread has Graphviz draw the diagrams."""
    try:
        import weasyprint  # noqa: F401
    except OSError:
        pass                    # lay_out says why


@contextmanager
def _weasyprint() -> Iterator[Any]:
    """WeasyPrint's HTML class; its failures to load or to fetch as usage errors."""
    try:
        from weasyprint import HTML
        from weasyprint.urls import FatalURLFetchingError
    except OSError as exc:      # the Pango and HarfBuzz libraries are missing
        raise UsageError(f"cannot make a PDF: WeasyPrint cannot load its libraries ({exc}); see README") from None
    try:
        yield HTML
    except FatalURLFetchingError as exc:
        raise UsageError(f"report refused a fetch: {exc.__cause__ or exc}") from None


@dataclass(frozen=True)
class Laid:
    """A document laid out in pages, not yet written: where its elements landed, and its PDF."""

    document: Any

    def where(self, ident: str) -> tuple[int, float] | None:
        """The page (from 1) and the height from the page's top edge (points) of the element `ident`."""
        for number, page in enumerate(self.document.pages, start=1):
            if ident in page.anchors:
                return number, page.anchors[ident][1] * PX
        return None

    @property
    def pages(self) -> int:
        return len(self.document.pages)

    def pdf(self) -> bytes:
        with _weasyprint():
            pdf = self.document.write_pdf(**OPTIONS)
        assert pdf is not None
        return pdf


def lay_out(html: str) -> Laid:
    """`html` laid out in pages; every fetch goes through the allow-list."""
    with _weasyprint() as html_class:
        return Laid(html_class(string=html, base_url=None, url_fetcher=make_fetcher()).render(**OPTIONS))


def html_to_pdf(html: str) -> bytes:
    """The PDF of `html`; every fetch goes through the allow-list; no attachments."""
    return lay_out(html).pdf()

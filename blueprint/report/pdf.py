"""HTML to PDF bytes with WeasyPrint, imported only here, when a PDF is made."""
from __future__ import annotations

from ..findings import UsageError
from .fetcher import make_fetcher


def preload() -> None:
    """Import WeasyPrint (most of a second) ahead of use, e.g. in a thread while the diagrams are drawn."""
    try:
        import weasyprint  # noqa: F401
    except OSError:
        pass                    # html_to_pdf says why


def html_to_pdf(html: str) -> bytes:
    """The PDF of `html`; every fetch goes through the allow-list; no attachments."""
    try:
        from weasyprint import HTML
        from weasyprint.urls import FatalURLFetchingError
    except OSError as exc:      # the Pango and HarfBuzz libraries are missing
        raise UsageError(f"cannot make a PDF: WeasyPrint cannot load its libraries ({exc}); see README") from None
    fetcher = make_fetcher()
    try:
        document = HTML(string=html, base_url=None, url_fetcher=fetcher)
        pdf = document.write_pdf(attachments=None, pdf_identifier=False)
    except FatalURLFetchingError as exc:
        raise UsageError(f"report refused a fetch: {exc.__cause__ or exc}") from None
    assert pdf is not None
    return pdf

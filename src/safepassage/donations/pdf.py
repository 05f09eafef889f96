"""Printing an HTML document to PDF (WeasyPrint) without reaching anything.

The fetcher refuses every URL, so a document never reaches the network or the file
system, whatever text it holds (a donor's name on a receipt, say); the stylesheet is read
here and passed as a string.
"""

from pathlib import Path

from weasyprint import CSS, HTML  # type: ignore[import-untyped]  # WeasyPrint ships no type hints
from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]  # as above


def print_pdf(*, html: str, stylesheet: Path) -> bytes:
    """``html`` styled by ``stylesheet``, as PDF bytes."""
    fetcher = URLFetcher(allowed_protocols=())  # no protocol at all: nothing is fetched
    css = CSS(string=stylesheet.read_text(encoding="utf-8"), url_fetcher=fetcher)
    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[css])
    if not isinstance(pdf, bytes):  # pragma: no cover - write_pdf without a target returns bytes
        msg = "WeasyPrint returned no PDF"
        raise TypeError(msg)
    return pdf

"""The reports page as one PDF, rendered as gift receipts are (WeasyPrint, no fetching)."""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils.translation import get_language
from weasyprint import CSS, HTML  # type: ignore[import-untyped]  # WeasyPrint ships no type hints
from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]  # as above

from safepassage.donations.reports.tables import ReportPage

REPORT_STYLESHEET = (
    Path(__file__).resolve().parent.parent / "static" / "donations" / "report_document.css"
)


def render_report_html(*, page: ReportPage) -> str:
    """The document the PDF is printed from (the page's tables, without links)."""
    return render_to_string(
        "donations/reports/report_document.html",
        {"report": page, "language": get_language() or "en"},
    )


def render_report_pdf(*, page: ReportPage) -> bytes:
    """The whole report as PDF bytes: its tables, no links, nothing fetched."""
    fetcher = URLFetcher(allowed_protocols=())  # no protocol at all: nothing is fetched
    stylesheet = CSS(string=REPORT_STYLESHEET.read_text(encoding="utf-8"), url_fetcher=fetcher)
    html = render_report_html(page=page)
    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet])
    if not isinstance(pdf, bytes):  # pragma: no cover - write_pdf without a target returns bytes
        msg = "WeasyPrint returned no PDF"
        raise TypeError(msg)
    return pdf

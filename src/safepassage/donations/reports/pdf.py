"""The reports page as one PDF, printed as gift receipts are (``donations.pdf``)."""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils.translation import get_language

from safepassage.donations.pdf import print_pdf
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
    return print_pdf(html=render_report_html(page=page), stylesheet=REPORT_STYLESHEET)

"""The organisation's reports page, its CSV tables and its PDF."""

import uuid

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from safepassage.accounts.models import User
from safepassage.accounts.selectors import current_user
from safepassage.donations.export_encryption import (
    ExportPassphraseForm,
    encrypted_download,
    export_allowance_refused,
    passphrase_form,
    render_export_page,
)
from safepassage.donations.gifts.views import filter_query
from safepassage.donations.reports import actions, selectors
from safepassage.donations.reports.forms import ReportPeriodForm
from safepassage.donations.reports.pdf import render_report_pdf
from safepassage.donations.reports.tables import TABLES, ReportPage, build_report
from safepassage.organisations.access import access_organisation
from safepassage.organisations.models import Organisation
from safepassage.site.access_policy import recent_authentication_required, requires_permission

VIEW_PLEDGE = "donations.view_pledge"


def _report(
    request: HttpRequest, organisation_id: uuid.UUID
) -> tuple[ReportPeriodForm, Organisation, ReportPage | None, User]:
    """The form, the organisation (404 unless the user may see its reports), the figures
    (``None`` for an invalid range) and the user."""
    user = current_user(request)
    organisation = access_organisation(
        user=user, organisation_id=organisation_id, permission=VIEW_PLEDGE
    )
    today = timezone.localdate()
    form = ReportPeriodForm(request.GET or None, today=today)
    period = form.period()
    if period is None:
        return form, organisation, None, user
    page = build_report(organisation=organisation, period=period, today=today)
    return form, organisation, page, user


def _export_refused(user: User, page: ReportPage) -> HttpResponse | None:
    """The hourly export allowance, then the audit event; ``None`` when the export may go."""
    refused = export_allowance_refused(user=user)
    if refused is not None:
        return refused
    actions.do_record_report_export(user=user, organisation=page.organisation)
    return None


def _export_page(
    request: HttpRequest,
    *,
    page: ReportPage,
    form: ExportPassphraseForm,
    description: str | Promise,
    filename: str,
) -> HttpResponse:
    back = reverse("donations:report", kwargs={"organisation_id": page.organisation.public_id})
    return render_export_page(
        request,
        organisation=page.organisation,
        form=form,
        description=description,
        filename=filename,
        back_url=f"{back}?{filter_query(request)}",
    )


def _invalid_range() -> HttpResponse:
    return HttpResponse(_("The date range is not valid."), status=400, content_type="text/plain")


@requires_permission(VIEW_PLEDGE)
@require_safe
def report_view(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    form, organisation, page, _user = _report(request, organisation_id)
    return render(
        request,
        "donations/reports/report.html",
        {
            "organisation": organisation,
            "form": form,
            "report": page,
            "query": filter_query(request),
        },
        status=200 if page is not None else 400,
    )


@requires_permission(VIEW_PLEDGE)
@recent_authentication_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("passphrase")
def report_csv_view(
    request: HttpRequest, organisation_id: uuid.UUID, table: str
) -> HttpResponse | StreamingHttpResponse:
    """One table of the page as CSV (aggregates only), encrypted (SR-29); audited."""
    if table not in TABLES:
        raise Http404
    _form, _organisation, page, user = _report(request, organisation_id)
    if page is None:
        return _invalid_range()
    form = passphrase_form(request, user=user)
    filename = f"report-{table}.csv"
    if request.method == "POST" and form.is_valid():
        if (refused := _export_refused(user, page)) is not None:
            return refused
        header, rows = TABLES[table](page)
        return encrypted_download(
            selectors.iter_csv(header=header, rows=rows),
            passphrase=form.cleaned_data["passphrase"],
            filename=filename,
        )
    description = _(
        "One table of the report for the chosen dates, as CSV (totals and counts only)."
    )
    return _export_page(request, page=page, form=form, description=description, filename=filename)


@requires_permission(VIEW_PLEDGE)
@recent_authentication_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("passphrase")
def report_pdf_view(
    request: HttpRequest, organisation_id: uuid.UUID
) -> HttpResponse | StreamingHttpResponse:
    """The whole page as one PDF, encrypted (SR-29); audited."""
    _form, _organisation, page, user = _report(request, organisation_id)
    if page is None:
        return _invalid_range()
    form = passphrase_form(request, user=user)
    if request.method == "POST" and form.is_valid():
        if (refused := _export_refused(user, page)) is not None:
            return refused
        return encrypted_download(
            [render_report_pdf(page=page)],
            passphrase=form.cleaned_data["passphrase"],
            filename="report.pdf",
        )
    description = _("The whole report for the chosen dates, as PDF (totals and counts only).")
    return _export_page(
        request, page=page, form=form, description=description, filename="report.pdf"
    )

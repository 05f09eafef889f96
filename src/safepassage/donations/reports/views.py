"""The organisation's reports page, its CSV tables and its PDF."""

import uuid

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_safe

from safepassage.accounts.models import User
from safepassage.accounts.selectors import current_user
from safepassage.donations.gifts import actions as gift_actions
from safepassage.donations.gifts.errors import GiftError
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


def _export_refused(user: User, page: ReportPage | None) -> HttpResponse | None:
    if page is None:
        return HttpResponse(
            _("The date range is not valid."), status=400, content_type="text/plain"
        )
    try:
        gift_actions.check_export_allowed(user=user, now=timezone.now())
    except GiftError as error:
        return HttpResponse(str(error.message), status=429, content_type="text/plain")
    actions.do_record_report_export(user=user, organisation=page.organisation)
    return None


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
@require_GET
def report_csv_view(
    request: HttpRequest, organisation_id: uuid.UUID, table: str
) -> HttpResponse | StreamingHttpResponse:
    """One table of the page as CSV (aggregates only); audited."""
    if table not in TABLES:
        raise Http404
    _form, _organisation, page, user = _report(request, organisation_id)
    if (refused := _export_refused(user, page)) is not None or page is None:
        return refused or HttpResponse(status=400)
    header, rows = TABLES[table](page)
    response = StreamingHttpResponse(
        selectors.iter_csv(header=header, rows=rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="report-{table}.csv"'
    return response


@requires_permission(VIEW_PLEDGE)
@recent_authentication_required
@require_GET
def report_pdf_view(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    """The whole page as one PDF; audited."""
    _form, _organisation, page, user = _report(request, organisation_id)
    if (refused := _export_refused(user, page)) is not None or page is None:
        return refused or HttpResponse(status=400)
    response = HttpResponse(render_report_pdf(page=page), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="report.pdf"'
    return response

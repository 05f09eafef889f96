"""Staff pledge reports of one organisation: list with filters, CSV export, program totals."""

import uuid

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from safepassage.accounts.selectors import current_user
from safepassage.donations.export_encryption import (
    encrypted_download,
    export_allowance_refused,
    passphrase_form,
    render_export_page,
)
from safepassage.donations.gifts.views import PAGE_SIZE, filter_query
from safepassage.donations.staff_reports import actions, selectors
from safepassage.donations.staff_reports.forms import PledgeFilterForm
from safepassage.organisations.access import access_organisation
from safepassage.organisations.models import Organisation
from safepassage.site.access_policy import recent_authentication_required, requires_permission
from safepassage.site.pagination import paginate

VIEW_PLEDGE = "donations.view_pledge"


def _filter_form(request: HttpRequest, organisation: Organisation) -> PledgeFilterForm:
    return PledgeFilterForm(
        request.GET or None,
        campaigns=selectors.list_report_campaigns(organisation=organisation),
        programs=selectors.list_report_programs(),
    )


@requires_permission(VIEW_PLEDGE)
@require_safe
def pledge_list_view(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    organisation = access_organisation(
        user=current_user(request), organisation_id=organisation_id, permission=VIEW_PLEDGE
    )
    form = _filter_form(request, organisation)
    pledges = selectors.list_pledges(organisation=organisation, filters=form.filters())
    page = paginate(request, pledges, per_page=PAGE_SIZE)
    return render(
        request,
        "donations/staff_reports/pledge_list.html",
        {
            "organisation": organisation,
            "form": form,
            "page": page,
            "rows": selectors.with_balances(pledges=page.object_list),
            "query": filter_query(request),
        },
    )


@requires_permission(VIEW_PLEDGE)
@recent_authentication_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("passphrase")
def pledge_export_view(
    request: HttpRequest, organisation_id: uuid.UUID
) -> HttpResponse | StreamingHttpResponse:
    """The filtered pledge list as CSV with ledger miles, no donor details, only encrypted
    for the passphrase typed on this page (SR-29); audited."""
    user = current_user(request)
    organisation = access_organisation(
        user=user, organisation_id=organisation_id, permission=VIEW_PLEDGE
    )
    filters = _filter_form(request, organisation).filters()
    if filters is None:
        return HttpResponse(_("The filters are not valid."), status=400, content_type="text/plain")
    form = passphrase_form(request, user=user)
    if request.method == "POST" and form.is_valid():
        refused = export_allowance_refused(user=user)
        if refused is not None:
            return refused
        # Streamed: pledges and balances are read a batch at a time as the file goes out.
        rows = selectors.iter_with_balances(
            pledges=selectors.list_pledges(organisation=organisation, filters=filters)
        )
        actions.do_record_pledge_export(user=user, organisation=organisation)
        return encrypted_download(
            selectors.iter_pledge_csv(rows=rows),
            passphrase=form.cleaned_data["passphrase"],
            filename="pledges.csv",
        )
    back = reverse("donations:pledge_list", kwargs={"organisation_id": organisation.public_id})
    return render_export_page(
        request,
        organisation=organisation,
        form=form,
        description=_(
            "The pledges your filters show, as a CSV table with their miles (no donor details)."
        ),
        filename="pledges.csv",
        back_url=f"{back}?{filter_query(request)}",
    )


@requires_permission(VIEW_PLEDGE)
@require_safe
def program_totals_view(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    """Per-program miles: pledged, available, reserved, redeemed, expired, withdrawn."""
    organisation = access_organisation(
        user=current_user(request), organisation_id=organisation_id, permission=VIEW_PLEDGE
    )
    return render(
        request,
        "donations/staff_reports/program_totals.html",
        {
            "organisation": organisation,
            "totals": selectors.get_program_totals(organisation=organisation),
        },
    )

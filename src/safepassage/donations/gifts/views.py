"""Gift pages: the payment provider's webhook and the staff pages of one organisation."""

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from safepassage.accounts.selectors import current_user
from safepassage.donations.export_encryption import (
    encrypted_download,
    export_allowance_refused,
    passphrase_form,
    render_export_page,
)
from safepassage.donations.gifts import actions, selectors
from safepassage.donations.gifts.access import access_gift
from safepassage.donations.gifts.errors import EventIdReused, GiftError, WebhookNotConfigured
from safepassage.donations.gifts.forms import GiftFilterForm, StaffGiftForm
from safepassage.donations.gifts.receipts import (
    build_receipt,
    render_receipt_pdf,
)
from safepassage.donations.gifts.webhooks import (
    MAX_BODY_BYTES,
    PROVIDER_PATTERN,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
)
from safepassage.organisations.access import access_organisation
from safepassage.site.access_policy import (
    public,
    recent_authentication_required,
    requires_permission,
)
from safepassage.site.pagination import paginate

VIEW_GIFT = "donations.view_gift"
ADD_GIFT = "donations.add_gift"
REPORTING_CURRENCY = "EUR"
PAGE_SIZE = 100


def filter_query(request: HttpRequest) -> str:
    """The list's filters as a query string, without the page number."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _webhook_error(error: GiftError) -> JsonResponse:
    status = 503 if isinstance(error, WebhookNotConfigured) else 400
    status = 409 if isinstance(error, EventIdReused) else status
    return JsonResponse({"error": error.code, "message": str(error.message)}, status=status)


@public
@csrf_exempt
@require_POST
def gift_webhook_view(request: HttpRequest, provider: str) -> HttpResponse:
    """A payment provider announces a completed gift.

    CSRF-exempt by design: the caller is the provider's server, which holds no session
    and no CSRF token. The request is authenticated instead by the HMAC-SHA256 signature
    over timestamp and raw body (``webhooks.verify_signature``); without a valid, fresh
    signature nothing is written. No cookie is read or set, and the body is never logged.
    """
    if PROVIDER_PATTERN.fullmatch(provider) is None:
        return JsonResponse({"error": "unknown_provider"}, status=404)
    length = str(request.META.get("CONTENT_LENGTH") or "0")
    if not length.isdigit() or int(length) > MAX_BODY_BYTES:
        return JsonResponse({"error": "too_large"}, status=413)
    try:
        checked = actions.check_record_provider_gift(
            provider=provider,
            timestamp=request.headers.get(TIMESTAMP_HEADER),
            signature=request.headers.get(SIGNATURE_HEADER),
            body=request.body,
            now=timezone.now(),
        )
        if checked is None:
            return JsonResponse({"status": "ignored"})
        recorded = actions.do_record_provider_gift(event=checked[0], destination=checked[1])
    except GiftError as error:
        return _webhook_error(error)
    status = "recorded" if recorded.created else "duplicate"
    return JsonResponse({"status": status, "gift": str(recorded.gift.public_id)})


@requires_permission(VIEW_GIFT)
@require_safe
def gift_list_view(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    organisation = access_organisation(
        user=user, organisation_id=organisation_id, permission=VIEW_GIFT
    )
    campaigns = selectors.list_organisation_campaigns(organisation=organisation)
    form = GiftFilterForm(request.GET or None, campaigns=campaigns)
    gifts = selectors.list_gifts(organisation=organisation, filters=form.filters())
    return render(
        request,
        "donations/gifts/gift_list.html",
        {
            "organisation": organisation,
            "form": form,
            "page": paginate(request, gifts, per_page=PAGE_SIZE),
            "query": filter_query(request),
            "can_add": user.has_perm(ADD_GIFT, organisation),
        },
    )


@requires_permission(VIEW_GIFT)
@recent_authentication_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("passphrase")
def gift_export_view(
    request: HttpRequest, organisation_id: uuid.UUID
) -> HttpResponse | StreamingHttpResponse:
    """The filtered gift list as CSV (no donor names or addresses), only encrypted for the
    passphrase typed on this page (SR-29); every export audited."""
    user = current_user(request)
    organisation = access_organisation(
        user=user, organisation_id=organisation_id, permission=VIEW_GIFT
    )
    campaigns = selectors.list_organisation_campaigns(organisation=organisation)
    filters = GiftFilterForm(request.GET or None, campaigns=campaigns).filters()
    if filters is None:
        return HttpResponse(_("The filters are not valid."), status=400, content_type="text/plain")
    form = passphrase_form(request, user=user)
    if request.method == "POST" and form.is_valid():
        refused = export_allowance_refused(user=user)
        if refused is not None:
            return refused
        gifts = selectors.list_gifts(organisation=organisation, filters=filters)
        actions.do_record_gift_export(user=user, organisation=organisation)
        return encrypted_download(
            selectors.iter_gift_csv(gifts=gifts.iterator()),
            passphrase=form.cleaned_data["passphrase"],
            filename="gifts.csv",
        )
    back = reverse("donations:gift_list", kwargs={"organisation_id": organisation.public_id})
    return render_export_page(
        request,
        organisation=organisation,
        form=form,
        description=_("The gifts your filters show, as a CSV table (no donor names or addresses)."),
        filename="gifts.csv",
        back_url=f"{back}?{filter_query(request)}",
    )


@requires_permission(ADD_GIFT)
@require_http_methods(["GET", "HEAD", "POST"])
def gift_new_view(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    organisation = access_organisation(
        user=user, organisation_id=organisation_id, permission=ADD_GIFT
    )
    form = StaffGiftForm(
        request.POST or None,
        campaigns=selectors.list_organisation_campaigns(organisation=organisation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            recorded = actions.do_record_staff_gift(
                user=user,
                submission_key=str(form.cleaned_data["submission_key"]),
                destination=actions.check_staff_gift_destination(
                    organisation=organisation, campaign=form.cleaned_data["campaign"]
                ),
                amount=form.money,
                source=form.cleaned_data["source"],
                received_on=form.cleaned_data["received_on"],
                donor_name=form.cleaned_data["donor_name"],
                donor_email=form.cleaned_data["donor_email"],
            )
        except GiftError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(
                request,
                _("Gift recorded.") if recorded.created else _("This gift was already recorded."),
            )
            return redirect(
                "donations:gift_detail",
                organisation_id=organisation.public_id,
                gift_id=recorded.gift.public_id,
            )
    return render(
        request, "donations/gifts/gift_new.html", {"organisation": organisation, "form": form}
    )


@requires_permission(VIEW_GIFT)
@require_safe
def gift_detail_view(
    request: HttpRequest, organisation_id: uuid.UUID, gift_id: uuid.UUID
) -> HttpResponse:
    """One gift and its receipt as the donor sees it."""
    gift = access_gift(
        user=current_user(request),
        organisation_id=organisation_id,
        gift_id=gift_id,
        permission=VIEW_GIFT,
    )
    return render(
        request,
        "donations/gifts/gift_detail.html",
        {"organisation": gift.organisation, "gift": gift, "receipt": build_receipt(gift=gift)},
    )


@requires_permission(VIEW_GIFT)
@require_safe
def gift_receipt_pdf_view(
    request: HttpRequest, organisation_id: uuid.UUID, gift_id: uuid.UUID
) -> HttpResponse:
    gift = access_gift(
        user=current_user(request),
        organisation_id=organisation_id,
        gift_id=gift_id,
        permission=VIEW_GIFT,
    )
    response = HttpResponse(
        render_receipt_pdf(receipt=build_receipt(gift=gift)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="receipt-{gift.public_id}.pdf"'
    return response


@requires_permission(VIEW_GIFT)
@require_safe
def gift_totals_view(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    """Per-campaign gift totals per currency, cash held, and a converted reporting figure."""
    organisation = access_organisation(
        user=current_user(request), organisation_id=organisation_id, permission=VIEW_GIFT
    )
    rows = selectors.get_campaign_gift_totals(
        organisation=organisation,
        reporting_currency=REPORTING_CURRENCY,
        on=timezone.localdate(),
    )
    return render(
        request,
        "donations/gifts/gift_totals.html",
        {"organisation": organisation, "rows": rows, "reporting_currency": REPORTING_CURRENCY},
    )

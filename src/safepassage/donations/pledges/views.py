"""Pledge pages: the public flow (no account, works without JavaScript) and the staff
forecast. Thin: parse a form, call one action or selector, render or redirect."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from safepassage.accounts.selectors import current_user
from safepassage.donations.models import PledgeStatus
from safepassage.donations.pledges import actions
from safepassage.donations.pledges.access import (
    access_forecast_organisations,
    access_pledge_by_token,
)
from safepassage.donations.pledges.errors import PledgeError
from safepassage.donations.pledges.forms import (
    ChangePledgeForm,
    DelegationConsentForm,
    PledgeForm,
    ResendConfirmationForm,
)
from safepassage.donations.pledges.rate_limits import refuse_over_limit, refuse_resend_over_limit
from safepassage.donations.pledges.selectors import (
    forecast_expiring_miles,
    get_balance,
    get_pledge_delegation_rule,
    get_published_campaign,
)
from safepassage.donations.pledges.tokens import make_manage_token, new_submission_token
from safepassage.site.access_policy import public, requires_permission

FORECAST_PERMISSION = "donations.view_pledge_forecast"


@public
@require_http_methods(["GET", "HEAD", "POST"])
def pledge_view(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    campaign = get_published_campaign(slug=slug) if slug is not None else None
    # Every POST counts, one to an unknown campaign too (donations.pledges.rate_limits).
    if request.method == "POST" and (refused := refuse_over_limit(request, campaign)):
        return refused
    if slug is not None and campaign is None:
        raise Http404
    form = PledgeForm(request.POST or None, initial={"submission_token": new_submission_token()})
    if request.method == "POST" and form.is_valid():
        actions.do_submit_pledge(
            submission_token=form.cleaned_data["submission_token"],
            terms=form.terms,
            donor_name=form.cleaned_data["donor_name"],
            email=form.cleaned_data["email"],
            is_anonymous=form.cleaned_data["is_anonymous"],
            campaign=campaign,
            language=get_language(),
        )
        return redirect("donations:pledge_sent")
    return render(request, "donations/pledges/pledge.html", {"form": form, "campaign": campaign})


@public
@require_safe
def pledge_sent_view(request: HttpRequest) -> HttpResponse:
    return render(request, "donations/pledges/sent.html")


@public
@require_http_methods(["GET", "HEAD", "POST"])
def pledge_resend_view(request: HttpRequest) -> HttpResponse:
    """Send my confirmation link again. The answer is the same page whether or not a pledge
    waits for the address (SR-15)."""
    if request.method == "POST" and (refused := refuse_resend_over_limit(request)):
        return refused
    form = ResendConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.do_request_confirmation_resend(
            email=form.cleaned_data["email"], language=get_language(), today=timezone.localdate()
        )
        return redirect("donations:pledge_resend_sent")
    return render(request, "donations/pledges/resend.html", {"form": form})


@public
@require_safe
def pledge_resend_sent_view(request: HttpRequest) -> HttpResponse:
    return render(request, "donations/pledges/resend_sent.html")


@public
@require_http_methods(["GET", "HEAD", "POST"])
def pledge_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    pledge = access_pledge_by_token(token=token, purpose="confirm")
    if request.method == "POST":
        pledge = actions.do_confirm_pledge(pledge_id=pledge.public_id, language=get_language())
        if pledge.status == PledgeStatus.CONFIRMED:  # not one withdrawn or expired since
            messages.success(request, _("Thank you: your pledge is confirmed."))
        return redirect("donations:pledge_manage", token=make_manage_token(pledge.public_id))
    return render(request, "donations/pledges/confirm.html", {"pledge": pledge})


@public
@require_safe
def pledge_manage_view(request: HttpRequest, token: str) -> HttpResponse:
    pledge = access_pledge_by_token(token=token, purpose="manage")
    context = {
        "pledge": pledge,
        "balance": get_balance(pledge=pledge),
        "token": token,
        "delegation": get_pledge_delegation_rule(pledge=pledge),
        "delegation_form": DelegationConsentForm(
            initial={"consent": pledge.delegated_booking_consent}
        ),
    }
    return render(request, "donations/pledges/manage.html", context)


@public
@require_http_methods(["GET", "HEAD", "POST"])
def pledge_delegation_view(request: HttpRequest, token: str) -> HttpResponse:
    """Whether the fund may book with the donor's delegated access (never a password)."""
    pledge = access_pledge_by_token(token=token, purpose="manage")
    # An unticked box posts nothing: an empty POST is still an answer ("no").
    form = DelegationConsentForm(
        request.POST if request.method == "POST" else None,
        initial={"consent": pledge.delegated_booking_consent},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_set_delegated_booking_consent(
                pledge_id=pledge.public_id, consent=form.cleaned_data["consent"]
            )
        except PledgeError as error:
            form.add_error("consent", str(error.message))
        else:
            messages.success(request, _("Your answer is saved."))
            return redirect("donations:pledge_manage", token=token)
    context = {"pledge": pledge, "form": form, "token": token}
    context["delegation"] = get_pledge_delegation_rule(pledge=pledge)
    return render(request, "donations/pledges/delegation.html", context)


@public
@require_http_methods(["GET", "HEAD", "POST"])
def pledge_change_view(request: HttpRequest, token: str) -> HttpResponse:
    pledge = access_pledge_by_token(token=token, purpose="manage")
    initial = {
        "miles": pledge.miles,
        "expires_on": pledge.expires_on,
        "change_token": new_submission_token(),
    }
    form = ChangePledgeForm(request.POST or None, pledge=pledge, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:  # checked again under the pledge's lock: miles may have been reserved since
            actions.do_change_pledge(
                pledge_id=pledge.public_id,
                miles=form.cleaned_data["miles"],
                expires_on=form.cleaned_data["expires_on"],
                change_token=form.cleaned_data["change_token"],
            )
        except PledgeError as error:
            form.add_pledge_error(error)
        else:
            messages.success(request, _("Your pledge is updated."))
            return redirect("donations:pledge_manage", token=token)
    return render(
        request, "donations/pledges/change.html", {"pledge": pledge, "form": form, "token": token}
    )


@public
@require_http_methods(["GET", "HEAD", "POST"])
def pledge_withdraw_view(request: HttpRequest, token: str) -> HttpResponse:
    pledge = access_pledge_by_token(token=token, purpose="manage")
    if request.method == "POST":
        actions.do_withdraw_pledge(pledge_id=pledge.public_id)
        messages.success(request, _("Your pledge is withdrawn. Thank you for offering it."))
        return redirect("donations:pledge_manage", token=token)
    return render(request, "donations/pledges/withdraw.html", {"pledge": pledge, "token": token})


@requires_permission(FORECAST_PERMISSION)
@require_safe
def pledge_forecast_view(request: HttpRequest) -> HttpResponse:
    organisations = access_forecast_organisations(
        user=current_user(request), permission=FORECAST_PERMISSION
    )
    rows = forecast_expiring_miles(organisations=organisations, today=timezone.localdate())
    return render(request, "donations/pledges/forecast.html", {"rows": rows})

"""The applicant's pages under one neutral prefix (``/help/``): request, codename, status,
messages, withdrawal, safety and quick exit (SR-13, SR-17, SR-18).

Public views with their own cookie (``applicant_session``), never the staff session. Every
page works without JavaScript, loads only same-origin resources and links with relative
URLs; ``Cache-Control: no-store`` comes from the site middleware, forms never autocomplete.
"""

import datetime
import os
import uuid

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safepassage.intake import actions, selectors
from safepassage.intake.applicant_session import (
    end_applicant_session,
    load_applicant_session,
    start_applicant_session,
)
from safepassage.intake.errors import IntakeError, IntakeUnavailable, SubmissionTokenRefused
from safepassage.intake.forms import IntakeForm, MessageForm, SignInForm, WithdrawForm
from safepassage.intake.submission_tokens import new_submission_token, read_submission_token
from safepassage.intake.wordlists import WordListName, default_word_list_for
from safepassage.site import rate_limits
from safepassage.site.access_policy import public

QUICK_EXIT_VARIABLE = "SAFEPASSAGE_QUICK_EXIT_URL"
DEFAULT_QUICK_EXIT_URL = "https://www.wikipedia.org/"
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'
RATE_WINDOW = datetime.timedelta(minutes=10)
RATE_LIMITS = {"intake": 5, "intake-sign-in": 10, "intake-message": 20}
"""POSTs per client address and window (SR-16). Each request and sign-in costs one Argon2id
run; behind an onion service every visitor shares one address (see decision 0012)."""


def _over_limit(request: HttpRequest, scope: str) -> HttpResponse | None:
    """The 429 page, with quick exit, once this client has POSTed too often to ``scope``."""
    if request.method != "POST" or rate_limits.hit(
        request=request, scope=scope, limit=RATE_LIMITS[scope], window=RATE_WINDOW
    ):
        return None
    return rate_limits.rate_limited_response(request, window=RATE_WINDOW)


def _intake_form(request: HttpRequest) -> IntakeForm:
    organisations = selectors.list_intake_organisations()
    return IntakeForm(
        request.POST if request.method == "POST" else None,
        organisations=[(str(item.public_id), item.name) for item in organisations],
        initial={"word_list": default_word_list_for(get_language() or "en")},
    )


def _start_page(request: HttpRequest, form: IntakeForm) -> HttpResponse:
    return render(
        request,
        "intake/start.html",
        {
            "form": form,
            "submission_token": new_submission_token(),
            "unavailable": not selectors.list_intake_organisations(),
            "safety_url": reverse("intake:safety"),
            "sign_in_url": reverse("intake:sign_in"),
        },
    )


def _submit(request: HttpRequest, form: IntakeForm) -> HttpResponse | None:
    """Send a valid form once per token; the page to show, or None to show the form again."""
    # Any age here: an old token may still find its first answer; the action refuses to
    # send anything new with it.
    submission = read_submission_token(request.POST.get("submission", ""), max_age=None)
    organisation = selectors.get_intake_organisation(
        organisation_id=uuid.UUID(form.cleaned_data["organisation"])
    )
    try:
        if submission is None:
            raise SubmissionTokenRefused
        if organisation is None:
            raise IntakeUnavailable
        actions.check_submit_intake(organisation=organisation)
        result = actions.do_submit_intake_once(
            organisation=organisation,
            answers=form.answers(),
            word_list=WordListName(form.cleaned_data["word_list"]),
            submission=submission,
        )
    except IntakeError as error:
        form.add_error(None, str(error.message))
        return None
    if isinstance(result, selectors.SentRequest) and not result.codename:
        context = {"start_url": reverse("intake:start")}
        return render(request, "intake/already_sent.html", context)
    return render(request, "intake/submitted.html", {"receipt": result})


@public
@require_http_methods(["GET", "HEAD", "POST"])
def start_view(request: HttpRequest) -> HttpResponse:
    """The request form; on submit, the codename and case code, shown this once (and again
    for the same form's second send within minutes, see decision 0026)."""
    if refused := _over_limit(request, "intake"):
        return refused
    form = _intake_form(request)
    if request.method == "POST" and form.is_valid() and (page := _submit(request, form)):
        return page
    return _start_page(request, form)


@public
@require_safe
def safety_view(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/safety.html")


@public
@require_http_methods(["GET", "POST"])
def exit_view(request: HttpRequest) -> HttpResponse:
    """Quick exit: forget the applicant session, clear the site's data, leave (SR-17)."""
    response = HttpResponseRedirect(os.environ.get(QUICK_EXIT_VARIABLE) or DEFAULT_QUICK_EXIT_URL)
    end_applicant_session(response=response)
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


@public
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in_view(request: HttpRequest) -> HttpResponse:
    """Codename and case code; every failure answers alike (SR-15)."""
    if refused := _over_limit(request, "intake-sign-in"):
        return refused
    form = SignInForm(request.POST if request.method == "POST" else None)
    error = None
    if request.method == "POST":
        try:
            applicant, key_pair = actions.check_sign_in_applicant(
                codename=form.data.get("codename", ""), case_code=form.data.get("case_code", "")
            )
        except IntakeError as failure:
            # A fresh form: what was typed is never echoed back into the page.
            form, error = SignInForm(), failure.message
        else:
            response = redirect("intake:status")
            start_applicant_session(response=response, applicant=applicant, key_pair=key_pair)
            return response
    return render(request, "intake/sign_in.html", {"form": form, "error": error})


@public
@require_http_methods(["GET", "HEAD", "POST"])
def status_view(request: HttpRequest) -> HttpResponse:
    """The request's status in applicant-safe words and the messages; send a message."""
    session = load_applicant_session(request=request)
    if session is None:
        return redirect("intake:sign_in")
    if refused := _over_limit(request, "intake-message"):
        return refused
    form = MessageForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        actions.do_send_applicant_message(
            applicant=session.applicant, body=form.cleaned_data["body"]
        )
        response: HttpResponse = redirect("intake:status")
    else:
        response = render(
            request,
            "intake/status.html",
            {
                "status": selectors.applicant_status(case=session.applicant.case),
                "messages_list": selectors.list_applicant_messages(
                    applicant=session.applicant, key_pair=session.key_pair
                ),
                "form": form,
                "can_withdraw": selectors.can_withdraw(case=session.applicant.case),
            },
        )
    start_applicant_session(
        response=response, applicant=session.applicant, key_pair=session.key_pair
    )
    return response


@public
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw_view(request: HttpRequest) -> HttpResponse:
    """Withdraw the request: a confirmation page, then the move on POST (decision 0012)."""
    session = load_applicant_session(request=request)
    if session is None:
        return redirect("intake:sign_in")
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    error = None
    response: HttpResponse | None = None
    if request.method == "POST" and form.is_valid():
        try:
            actions.check_withdraw_request(case=session.applicant.case)
            actions.do_withdraw_request(applicant=session.applicant, note=form.cleaned_data["note"])
        except IntakeError as failure:
            error = failure.message
        else:
            response = redirect("intake:status")
    if response is None:
        can_withdraw = selectors.can_withdraw(case=session.applicant.case)
        context = {"form": form, "can_withdraw": can_withdraw, "error": error}
        response = render(request, "intake/withdraw.html", context)
    start_applicant_session(
        response=response, applicant=session.applicant, key_pair=session.key_pair
    )
    return response


@public
@require_POST
def sign_out_view(request: HttpRequest) -> HttpResponse:
    response = redirect("intake:start")
    end_applicant_session(response=response)
    return response

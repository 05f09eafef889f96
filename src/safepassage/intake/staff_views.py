"""The caseworker's side of the applicant messages (under ``/cases/<id>/messages/``).

Separate from the applicant's views, templates and cookie. Reading opens the messages with
the reader's own keys and is audited; replying seals to the applicant and the case.
"""

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from safepassage.accounts.key_session import load_private_key
from safepassage.accounts.models import User
from safepassage.accounts.selectors import current_user
from safepassage.cases.errors import CasesError, KeysLocked
from safepassage.cases.models import Case
from safepassage.cases.views import case_open_refusal
from safepassage.core.crypto import KeyPair
from safepassage.intake import actions, selectors
from safepassage.intake.access import access_case_messages
from safepassage.intake.errors import IntakeError
from safepassage.intake.forms import MessageForm
from safepassage.intake.selectors import OpenedMessage
from safepassage.site.access_policy import requires_permission


def _keys(request: HttpRequest, user: User) -> KeyPair:
    key_pair = load_private_key(request=request, user=user)
    if key_pair is None:
        raise KeysLocked
    return key_pair


def _page(request: HttpRequest, *, case: Case, form: MessageForm) -> HttpResponse:
    """The messages (opened and filed by the action, audited) and the reply form."""
    user = current_user(request)
    messages: list[OpenedMessage] = []
    error = None
    try:
        messages = actions.do_read_case_messages(
            actor=user, key_pair=_keys(request, user), case=case
        )
    except CasesError as failure:
        error = failure.message
    return render(
        request,
        "intake/staff/messages.html",
        {
            "case": case,
            "messages_list": messages,
            "error": error,
            "form": form,
            "has_applicant": selectors.has_applicant(case=case),
            "can_reply": user.has_perm("intake.add_message", case.organisation),
        },
    )


@requires_permission("intake.view_message")
@require_http_methods(["GET"])
def messages_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    case = access_case_messages(user=user, case_id=case_id, permission="intake.view_message")
    if (refusal := case_open_refusal(request, user=user, case=case)) is not None:
        return refusal  # SR-29: the messages count as opening the case
    return _page(request, case=case, form=MessageForm())


@requires_permission("intake.add_message")
@require_POST
def reply_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    case = access_case_messages(user=user, case_id=case_id, permission="intake.add_message")
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            actions.do_send_staff_message(
                actor=user, key_pair=_keys(request, user), case=case, body=form.cleaned_data["body"]
            )
        except (CasesError, IntakeError) as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("intake_staff:messages", case_id=case.public_id)
    return _page(request, case=case, form=form)

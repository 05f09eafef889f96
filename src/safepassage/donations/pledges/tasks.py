"""Background work of pledges (run by the django-tasks-db worker).

Task arguments are public ids and numbers only: the donor's address is opened from its
sealed envelope inside the task, so no personal data sits in the task queue (SR-05).
"""

import uuid
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from safepassage.donations.models import Pledge
from safepassage.donations.pledges import sealing
from safepassage.donations.pledges.tokens import make_confirm_token, make_manage_token
from safepassage.site.mail_refusals import is_permanent_refusal
from safepassage.site.numbers import grouped_number


def _absolute(path: str) -> str:
    return settings.SITE_BASE_URL.rstrip("/") + path


def _send(*, pledge: Pledge, template: str, language: str, context: dict[str, object]) -> None:
    email = sealing.open_pledge_value(
        pledge_id=str(pledge.public_id), field=sealing.EMAIL, envelope=pledge.donor_email_envelope
    )
    if not email:
        return
    with translation.override(language):
        full_context = {"pledge": pledge, "miles_display": grouped_number(pledge.miles), **context}
        subject = render_to_string(f"donations/pledges/email/{template}_subject.txt", full_context)
        body = render_to_string(f"donations/pledges/email/{template}_body.txt", full_context)
    send_mail(subject.strip(), body, None, [email])


def _pledge(pledge_id: str) -> Pledge:
    return Pledge.objects.select_related("program", "campaign").get(public_id=pledge_id)


def _manage_link(pledge: Pledge) -> str:
    return _absolute(
        reverse("donations:pledge_manage", kwargs={"token": make_manage_token(pledge.public_id)})
    )


@task()
def send_pledge_confirmation(*, pledge_id: str, language: str) -> None:
    """E-mail the signed, expiring link that confirms the donor's address. If sending fails
    (a mail outage) the pledge is marked unsent, so the worker queues it again
    (``send_unsent_pledge_confirmations``); if the donor's mail server refuses the address
    for good (a 5xx answer) it is marked undeliverable instead and not tried again
    (decision 0049). The task then ends without an error: the refusal names the address,
    which must not be kept in the task's result."""
    from safepassage.donations.pledges.actions import (
        do_mark_confirmation_undeliverable,
        do_mark_confirmation_unsent,
    )

    pledge = _pledge(pledge_id)
    link = _absolute(
        reverse("donations:pledge_confirm", kwargs={"token": make_confirm_token(pledge.public_id)})
    )
    try:
        _send(pledge=pledge, template="confirm", language=language, context={"link": link})
    except Exception as error:
        if is_permanent_refusal(error):
            do_mark_confirmation_undeliverable(pledge_id=pledge.public_id)
            return
        do_mark_confirmation_unsent(pledge_id=pledge.public_id)
        raise


@task()
def resend_pledge_confirmations(*, pledge_ids: list[str], language: str) -> None:
    """The donor asked for the link again: send a new one for each pledge still waiting
    (``pledge_ids`` is empty when the address matched none; see
    ``actions.do_request_confirmation_resend``)."""
    from safepassage.donations.pledges.actions import do_resend_pledge_confirmation

    today = timezone.localdate()
    for pledge_id in pledge_ids:
        do_resend_pledge_confirmation(
            pledge_id=uuid.UUID(pledge_id), language=language, today=today
        )


@task()
def send_unsent_pledge_confirmations() -> None:
    """Hourly: queue again the confirmation links a mail outage kept back."""
    from safepassage.donations.pledges.actions import do_send_unsent_confirmations

    do_send_unsent_confirmations(today=timezone.localdate())


@task()
def send_pledge_manage_link(*, pledge_id: str, language: str) -> None:
    """E-mail the signed link to see, change or withdraw the confirmed pledge."""
    pledge = _pledge(pledge_id)
    _send(
        pledge=pledge,
        template="manage",
        language=language,
        context={"link": _manage_link(pledge)},
    )


@task()
def send_expiry_reminder(*, pledge_id: str) -> None:
    """Remind the donor that the pledged miles expire soon. If sending fails (a mail
    outage) the pledge is marked not reminded, so the next daily upkeep queues it again;
    not when the donor's mail server refused the address for good (decision 0049)."""
    from safepassage.donations.pledges.actions import (
        do_mark_reminder_unsent,
        do_record_reminder_undeliverable,
    )

    pledge = _pledge(pledge_id)
    try:
        _send(
            pledge=pledge,
            template="reminder",
            language=pledge.language,
            context={"link": _manage_link(pledge)},
        )
    except Exception as error:
        if is_permanent_refusal(error):
            do_record_reminder_undeliverable(pledge_id=pledge.public_id)
            return
        do_mark_reminder_unsent(pledge_id=pledge.public_id, expires_on=pledge.expires_on)
        raise


@task()
def send_impact_note(
    *, pledge_id: str, miles: int, travellers: int, more_to_tell: bool = True
) -> None:
    """Tell the donor what the miles did, without naming or locating anyone; then, when
    this was the last thing they were owed (``more_to_tell`` false) and the pledge is
    withdrawn or expired, forget them."""
    from safepassage.donations.pledges.actions import do_forget_donor_when_done

    pledge = _pledge(pledge_id)
    _send(
        pledge=pledge,
        template="impact",
        language=pledge.language,
        context={"miles_display": grouped_number(miles), "travellers": travellers},
    )
    do_forget_donor_when_done(pledge_id=pledge.public_id, more_to_tell=more_to_tell)


@task()
def run_pledge_expiry(*, today: str = "") -> None:
    """Daily upkeep: post expiries that are due, queue reminders, and forget the donors of
    pledges never confirmed whose link has expired (all idempotent)."""
    from safepassage.donations.pledges.actions import (
        do_forget_unconfirmed_donors,
        do_post_expiries,
        do_send_expiry_reminders,
    )

    day = date.fromisoformat(today) if today else timezone.localdate()
    do_post_expiries(today=day)
    do_send_expiry_reminders(today=day)
    do_forget_unconfirmed_donors(today=day)

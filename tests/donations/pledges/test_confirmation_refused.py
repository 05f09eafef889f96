"""A confirmation link the donor's mail server refuses for good (a 5xx answer) is not tried
again hourly for a week, nor an expiry reminder daily; an outage (a 4xx answer, a
connection that fails) still is (decision 0049)."""

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from hypothesis import given
from hypothesis import strategies as st
from pytest_django import Settings

from safepassage.audit.models import AuditEvent
from safepassage.donations.models import Pledge
from safepassage.donations.pledges import actions
from safepassage.donations.pledges.tasks import send_unsent_pledge_confirmations
from safepassage.site.mail_refusals import is_permanent_refusal
from tests.bookings.factories import run_worker
from tests.donations.pledges.factories import (
    DONOR_EMAIL,
    confirmed_pledge,
    in_days,
    make_program,
    submit_pledge,
)

pytestmark = pytest.mark.django_db(transaction=True)

UNDELIVERABLE = "pledge.confirmation_undeliverable"


def _refused(code: int) -> smtplib.SMTPRecipientsRefused:
    return smtplib.SMTPRecipientsRefused({DONOR_EMAIL: (code, b"5.1.1 no such user")})


FAILURES: dict[str, BaseException] = {
    "recipient refused 550": _refused(550),
    "recipient refused 551": _refused(551),
    "message refused 554": smtplib.SMTPDataError(554, b"5.7.1 rejected"),
    "recipient deferred 450": _refused(450),
    "message deferred 451": smtplib.SMTPDataError(451, b"4.3.0 try again later"),
    "connection refused": ConnectionRefusedError("mail server down"),
    "connection dropped": smtplib.SMTPServerDisconnected("lost"),
    "our sender refused 553": smtplib.SMTPSenderRefused(553, b"bad sender", "noreply@x"),
    "our login refused 535": smtplib.SMTPAuthenticationError(535, b"bad login"),
}
PERMANENT = {"recipient refused 550", "recipient refused 551", "message refused 554"}


class FailingMailServer(BaseEmailBackend):
    """A mail server whose every send raises :data:`FailingMailServer.failure`."""

    failure: BaseException = ConnectionRefusedError()

    def send_messages(self, email_messages: object) -> int:
        raise self.failure


def _pledge_made_while_sending(settings: Settings, failure: BaseException) -> Pledge:
    """A pledge whose first confirmation e-mail met ``failure``; mail works again after."""
    working = settings.MAILERS
    FailingMailServer.failure = failure
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FailingMailServer"}}
    pledge = submit_pledge(program=make_program())
    run_worker()
    settings.MAILERS = working
    pledge.refresh_from_db()
    return pledge


def _undeliverable_events(pledge: Pledge) -> int:
    return AuditEvent.objects.filter(action=UNDELIVERABLE, object_ref=str(pledge.public_id)).count()


@pytest.mark.parametrize("name", sorted(PERMANENT))
def test_a_permanent_refusal_is_marked_undeliverable_and_not_tried_again(
    settings: Settings, name: str
) -> None:
    # given a pledge whose confirmation the donor's mail server refused for good
    pledge = _pledge_made_while_sending(settings, FAILURES[name])

    # then it is recorded once, by reference, and the pledge keeps the day it was sent
    assert pledge.confirmation_sent_on == timezone.localdate()
    assert _undeliverable_events(pledge) == 1
    # and the task ended without keeping the refusal (which names the address)
    result = DBTaskResult.objects.get(task_path__endswith="send_pledge_confirmation")
    assert result.status == "SUCCESSFUL"
    assert DONOR_EMAIL not in str(result.traceback) + str(result.exception_class_path)

    # when the hourly task runs
    send_unsent_pledge_confirmations.call()
    run_worker()

    # then nothing is sent again
    assert mail.outbox == []
    pledge.refresh_from_db()
    assert pledge.confirmation_sent_on == timezone.localdate()


@pytest.mark.parametrize("name", sorted(set(FAILURES) - PERMANENT))
def test_a_temporary_failure_is_tried_again_by_the_hourly_task(
    settings: Settings, name: str
) -> None:
    # given a pledge whose confirmation met an outage
    pledge = _pledge_made_while_sending(settings, FAILURES[name])
    assert pledge.confirmation_sent_on is None  # marked unsent
    assert _undeliverable_events(pledge) == 0

    # when mail works again and the hourly task runs
    send_unsent_pledge_confirmations.call()
    run_worker()

    # then the donor gets the link
    assert [message.to for message in mail.outbox] == [[DONOR_EMAIL]]


def test_a_donor_can_still_ask_for_an_undeliverable_link_again(settings: Settings) -> None:
    # given a link refused for good
    pledge = _pledge_made_while_sending(settings, FAILURES["recipient refused 550"])

    # when the donor asks for it again (their server works now)
    from safepassage.donations.pledges.actions import do_resend_pledge_confirmation

    assert do_resend_pledge_confirmation(
        pledge_id=pledge.public_id, language="en", today=timezone.localdate()
    )
    run_worker()

    # then it is sent
    assert [message.to for message in mail.outbox] == [[DONOR_EMAIL]]


@given(code=st.integers(min_value=200, max_value=699))
def test_only_5xx_answers_are_permanent(code: int) -> None:
    permanent = 500 <= code <= 599
    assert is_permanent_refusal(_refused(code)) is permanent
    assert is_permanent_refusal(smtplib.SMTPDataError(code, b"")) is permanent
    # our own sender or login refused: the operator's to mend, never the donor's address
    assert not is_permanent_refusal(smtplib.SMTPSenderRefused(code, b"", "noreply@x"))
    assert not is_permanent_refusal(smtplib.SMTPResponseException(code, b""))


def test_a_refusal_of_some_recipients_only_is_not_permanent() -> None:
    mixed = smtplib.SMTPRecipientsRefused({"a@x": (550, b""), "b@x": (451, b"")})
    assert not is_permanent_refusal(mixed)
    assert not is_permanent_refusal(smtplib.SMTPRecipientsRefused({}))


@pytest.mark.parametrize(
    ("name", "sent_again"),
    [("recipient refused 550", False), ("message deferred 451", True)],
)
def test_an_expiry_reminder_refused_for_good_is_not_sent_again_by_the_daily_upkeep(
    settings: Settings, name: str, sent_again: bool
) -> None:
    # given a confirmed pledge expiring in ten days, whose reminder meets the failure
    pledge = confirmed_pledge(expires_in_days=10)
    run_worker()
    mail.outbox.clear()
    working = settings.MAILERS
    FailingMailServer.failure = FAILURES[name]
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FailingMailServer"}}
    assert actions.do_send_expiry_reminders(today=in_days(0)) == 1
    run_worker()
    settings.MAILERS = working

    # when the daily upkeep runs again with mail working
    queued = actions.do_send_expiry_reminders(today=in_days(0))
    run_worker()

    # then only a temporary failure is tried again
    assert queued == int(sent_again)
    assert len(mail.outbox) == int(sent_again)
    refusals = AuditEvent.objects.filter(
        action="pledge.reminder_undeliverable", object_ref=str(pledge.public_id)
    )
    assert refusals.count() == int(not sent_again)

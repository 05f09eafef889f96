"""A donor whose confirmation e-mail never arrived asks for the link again (decision 0043):
the page answers alike whether or not a pledge waits for the address (SR-15), is rate
limited (SR-16), sends a new link only for an unconfirmed pledge of the last 7 days, a few
times per pledge; and a link the mail server refused at pledge time is sent again by the
worker."""

import datetime
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django import Settings

from safepassage.audit.models import AuditEvent
from safepassage.donations.models import Pledge, PledgeStatus
from safepassage.donations.pledges import actions
from safepassage.donations.pledges.rate_limits import RESEND_RATE_LIMIT
from safepassage.donations.pledges.tasks import send_unsent_pledge_confirmations
from tests.bookings.factories import run_worker
from tests.donations.pledges.factories import DONOR_EMAIL, make_program, submit_pledge

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db(transaction=True)

RESEND_URL = reverse("donations:pledge_resend")
SENT_URL = reverse("donations:pledge_resend_sent")
LINK = re.compile(r"https?://\S+/donate/pledge/confirm/\S+/")


def _waiting_pledge() -> Pledge:
    """An unconfirmed pledge whose first confirmation e-mail went out (and was lost)."""
    pledge = submit_pledge()
    run_worker()
    mail.outbox.clear()
    return pledge


def _ask(email: str, *, address: str = "192.0.2.10") -> "_MonkeyPatchedWSGIResponse":
    return Client(REMOTE_ADDR=address).post(RESEND_URL, {"email": email})


def _days_ago(pledge: Pledge, days: int) -> None:
    """Move the pledge (and the day its link was sent) ``days`` into the past."""
    day = timezone.localdate() - datetime.timedelta(days=days)
    Pledge.objects.filter(pk=pledge.pk).update(created_on=day, confirmation_sent_on=day)


def test_the_form_is_linked_from_the_check_your_e_mail_page_and_the_pledge_page() -> None:
    client = Client()
    for page in ("donations:pledge_sent", "donations:pledge"):
        assert f'href="{RESEND_URL}"' in client.get(reverse(page)).content.decode()
    response = client.get(RESEND_URL)
    assert response.status_code == 200
    assert 'type="email"' in response.content.decode()


def test_a_lost_link_is_sent_again_and_the_new_link_confirms_the_pledge() -> None:
    # Given a pledge whose confirmation e-mail was lost
    pledge = _waiting_pledge()

    # When the donor asks again (the address typed in capitals, with spaces)
    response = _ask(f"  {DONOR_EMAIL.upper()} ")
    run_worker()

    # Then they land on the answer page and get one new link, which confirms the pledge
    assert (response.status_code, response["Location"]) == (302, SENT_URL)
    assert [message.to for message in mail.outbox] == [[DONOR_EMAIL]]
    link = LINK.search(str(mail.outbox[0].body))
    assert link is not None
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    assert Client().post("/" + path).status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.CONFIRMED
    assert pledge.confirmation_resends == 1
    assert pledge.donor_email_digest == ""  # only kept while the pledge waits
    assert AuditEvent.objects.filter(
        action="pledge.confirmation_resent", object_ref=str(pledge.public_id)
    ).exists()


def test_the_answer_is_the_same_for_an_address_with_and_without_a_waiting_pledge() -> None:
    # Given one address with a waiting pledge and one with none
    _waiting_pledge()
    tasks_before = DBTaskResult.objects.count()

    # When both are asked for
    known = _ask(DONOR_EMAIL, address="192.0.2.11")
    unknown = _ask("nobody-here@example.org", address="192.0.2.12")

    # Then the answers are alike: status, page, cookies, and one queued task each
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == SENT_URL
    assert sorted(known.cookies) == sorted(unknown.cookies)
    assert known.content == unknown.content
    assert DBTaskResult.objects.count() == tasks_before + 2
    page = Client().get(SENT_URL)
    assert page.status_code == 200
    assert DONOR_EMAIL not in page.content.decode()
    # and only the waiting pledge's donor gets a link
    run_worker()
    assert [message.to for message in mail.outbox] == [[DONOR_EMAIL]]


def test_the_queued_task_carries_public_ids_never_the_address() -> None:
    _waiting_pledge()
    _ask(DONOR_EMAIL)
    queued = DBTaskResult.objects.filter(task_path__endswith="resend_pledge_confirmations").get()
    assert DONOR_EMAIL not in str(queued.args_kwargs)
    assert DONOR_EMAIL.split("@")[0] not in str(queued.args_kwargs)


@pytest.mark.parametrize(
    "make_it_unsendable",
    [
        pytest.param(
            lambda p: actions.do_confirm_pledge(pledge_id=p.public_id, language="en"),
            id="confirmed",
        ),
        pytest.param(lambda p: _days_ago(p, 8), id="older-than-7-days"),
        pytest.param(
            lambda p: Pledge.objects.filter(pk=p.pk).update(expires_on=timezone.localdate()),
            id="miles-expired",
        ),
        pytest.param(
            lambda p: actions.do_forget_unconfirmed_donors(
                today=timezone.localdate() + datetime.timedelta(days=9)
            ),
            id="donor-forgotten",
        ),
    ],
)
def test_no_link_is_sent_for_a_pledge_no_longer_waiting(
    make_it_unsendable: Callable[[Pledge], object],
) -> None:
    pledge = _waiting_pledge()
    make_it_unsendable(pledge)
    run_worker()
    mail.outbox.clear()

    response = _ask(DONOR_EMAIL)
    run_worker()

    assert response["Location"] == SENT_URL
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action="pledge.confirmation_resent").exists()


def test_a_pledge_gets_its_link_again_only_a_few_times() -> None:
    pledge = _waiting_pledge()

    for _ in range(actions.MAX_CONFIRMATION_RESENDS + 2):
        _ask(DONOR_EMAIL)
    run_worker()

    assert len(mail.outbox) == actions.MAX_CONFIRMATION_RESENDS
    pledge.refresh_from_db()
    assert pledge.confirmation_resends == actions.MAX_CONFIRMATION_RESENDS


def test_every_pledge_waiting_for_the_address_gets_its_own_link() -> None:
    first, second = _waiting_pledge(), _waiting_pledge()

    _ask(DONOR_EMAIL)
    run_worker()

    links = {match.group(0) for m in mail.outbox if (match := LINK.search(str(m.body))) is not None}
    assert len(mail.outbox) == len(links) == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.confirmation_resends == second.confirmation_resends == 1


def test_asking_too_often_from_one_address_is_refused_and_nothing_is_queued() -> None:
    # Given one connection that used up its allowance
    _waiting_pledge()
    for _ in range(RESEND_RATE_LIMIT):
        assert _ask("someone@example.org").status_code == 302
    tasks, events = DBTaskResult.objects.count(), AuditEvent.objects.count()

    # When it asks once more, for an address with a waiting pledge
    response = _ask(DONOR_EMAIL)

    # Then it is refused, and nothing was queued, recorded or sent
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert (DBTaskResult.objects.count(), AuditEvent.objects.count()) == (tasks, events)
    run_worker()
    assert mail.outbox == []
    # while another connection is still answered
    assert _ask(DONOR_EMAIL, address="192.0.2.99").status_code == 302


def test_a_bad_address_shows_the_form_again_with_its_error() -> None:
    response = Client().post(RESEND_URL, {"email": "not an address"})

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert DBTaskResult.objects.count() == 0


def test_a_resent_link_keeps_the_donor_until_it_expires() -> None:
    # Given a pledge made 6 days ago whose link is sent again today
    pledge = _waiting_pledge()
    _days_ago(pledge, 6)
    _ask(DONOR_EMAIL)
    run_worker()
    today = timezone.localdate()

    # When the nightly upkeep runs after the first link expired, then after the new one
    after_first = actions.do_forget_unconfirmed_donors(today=today + datetime.timedelta(days=3))
    after_new = actions.do_forget_unconfirmed_donors(today=today + datetime.timedelta(days=8))

    # Then the donor is kept while the new link works, and forgotten after
    assert (after_first, after_new) == (0, 1)
    pledge.refresh_from_db()
    assert pledge.donor_email_envelope is None
    assert pledge.donor_email_digest == ""


class RefusingMailServer(BaseEmailBackend):
    """A mail server that is down: every send raises."""

    def send_messages(self, email_messages: object) -> int:
        raise ConnectionRefusedError("mail server down")


def test_a_confirmation_lost_to_a_mail_outage_is_sent_again_by_the_worker(
    settings: Settings,
) -> None:
    # Given a pledge made while the mail server is down
    working = settings.MAILERS
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingMailServer"}}
    pledge = submit_pledge(program=make_program())
    run_worker()
    pledge.refresh_from_db()
    assert pledge.confirmation_sent_on is None  # marked unsent
    assert mail.outbox == []

    # When mail works again and the scheduled task runs (twice)
    settings.MAILERS = working
    send_unsent_pledge_confirmations.call()
    send_unsent_pledge_confirmations.call()
    run_worker()

    # Then the donor gets the link once
    assert [message.to for message in mail.outbox] == [[DONOR_EMAIL]]
    pledge.refresh_from_db()
    assert pledge.confirmation_sent_on == timezone.localdate()

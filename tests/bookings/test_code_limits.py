"""The donor's one-time code cannot be brute-forced: wrong tries and codes are counted per
link version, not per code, and only a new link from the coordinator starts again."""

import re
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from safepassage.audit.models import AuditEvent
from safepassage.bookings import actions
from safepassage.bookings.errors import CodeInvalid, LinkExhausted
from safepassage.bookings.models import BookingStatus
from safepassage.donations.pledges.selectors import get_balance
from tests.bookings.factories import booked_trip, committed, make_network, pledge_of, sent_trip

pytestmark = pytest.mark.django_db


def _link() -> str:
    found = re.search(r"http\S+/bookings/donor/\S+/", str(mail.outbox[-1].body))
    assert found is not None
    return found.group(0).split("127.0.0.1:8000", 1)[-1]


def _last_code() -> str:
    found = re.search(r"\b(\d{6})\b", str(mail.outbox[-1].body))
    assert found is not None
    return found.group(1)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_the_attacker_loop_is_stopped_and_the_emails_stop_at_the_cap() -> None:
    # given a donor link in the attacker's hands
    network = make_network()
    pledge_of(network)
    _trip, booking = booked_trip(network)
    start = timezone.now()
    codes = 0
    wrong_tries = 0
    stopped = False
    # when they ask for a code, guess five times, wait past the resend interval, and repeat
    for round_number in range(20):
        with mock.patch(
            "django.utils.timezone.now",
            return_value=start + round_number * (actions.CODE_RESEND_INTERVAL * 2),
        ):
            sent_before = len(mail.outbox)
            try:
                with committed():
                    actions.do_send_donor_code(booking=booking)
            except LinkExhausted:
                assert len(mail.outbox) == sent_before
                stopped = True
            else:
                codes += 1
                code = _last_code()
            for _ in range(5):
                try:
                    actions.check_donor_code(booking=booking, code=_wrong(code))
                except CodeInvalid:
                    wrong_tries += 1
                except LinkExhausted:
                    stopped = True
    # then the loop is stopped: few codes were e-mailed and few guesses were ever checked
    assert stopped
    assert codes <= actions.MAX_CODES_PER_LINK
    assert wrong_tries <= actions.MAX_CODE_ATTEMPTS
    # and even the right code no longer opens the link
    with pytest.raises(LinkExhausted):
        actions.check_donor_code(booking=booking, code=code)


def test_the_right_code_still_works_after_some_wrong_tries_before_the_cap() -> None:
    network = make_network()
    pledge_of(network)
    _trip, booking = booked_trip(network)
    start = timezone.now()
    for round_number in range(2):
        with mock.patch(
            "django.utils.timezone.now",
            return_value=start + round_number * (actions.CODE_RESEND_INTERVAL * 2),
        ):
            with committed():
                actions.do_send_donor_code(booking=booking)
            code = _last_code()
            for _ in range(3):
                with pytest.raises(CodeInvalid):
                    actions.check_donor_code(booking=booking, code=_wrong(code))
    with mock.patch(
        "django.utils.timezone.now", return_value=start + actions.CODE_RESEND_INTERVAL * 2
    ):
        actions.check_donor_code(booking=booking, code=code)


def test_the_page_says_to_ask_the_coordinator_and_sending_again_starts_over() -> None:
    # given a link whose codes are used up
    network = make_network()
    pledge_of(network)
    trip, booking = booked_trip(network)
    link = _link()
    booking.codes_sent = actions.MAX_CODES_PER_LINK
    booking.save(update_fields=["codes_sent"])
    # when the holder asks for another code
    sent = len(mail.outbox)
    page = Client().post(link, {"step": "send_code"})
    # then none is sent and the page says to ask the coordinator, with no code button left
    assert len(mail.outbox) == sent
    assert b"coordinator" in page.content
    assert b'value="send_code"' not in page.content
    # and the coordinator's "send again" gives a new link that works from the start
    sent_trip(network, trip)
    booking.refresh_from_db()
    assert (booking.status, booking.codes_sent, booking.code_attempts) == (
        BookingStatus.SENT,
        0,
        0,
    )
    with committed():
        actions.do_send_donor_code(booking=booking)
    actions.check_donor_code(booking=booking, code=_last_code())


def test_declining_from_the_link_without_the_code_changes_nothing() -> None:
    # given a donor link in the hands of someone without the code
    network = make_network()
    pledge = pledge_of(network)
    _trip, booking = booked_trip(network)
    link = _link()
    sent = len(mail.outbox)
    events = AuditEvent.objects.count()
    # when they post the decline step
    page = Client().post(link, {"step": "decline"})
    # then the request stays open, the miles stay reserved, nothing is recorded or sent
    booking.refresh_from_db()
    assert booking.status == BookingStatus.SENT
    assert get_balance(pledge=pledge).reserved.amount == 40_000
    assert AuditEvent.objects.count() == events
    assert len(mail.outbox) == sent
    assert b"code" in page.content


def test_the_donor_declines_after_entering_the_code() -> None:
    network = make_network()
    pledge = pledge_of(network)
    _trip, booking = booked_trip(network)
    link = _link()
    client = Client()
    with committed():
        client.post(link, {"step": "send_code"})
    client.post(link, {"step": "verify", "code": _last_code()})
    page = client.post(link, {"step": "decline"})
    assert b"donor-outcome" in page.content
    booking.refresh_from_db()
    assert booking.status == BookingStatus.DECLINED
    assert get_balance(pledge=pledge).reserved.amount == 0

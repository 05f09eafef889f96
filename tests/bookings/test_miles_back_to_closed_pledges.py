"""Miles that come back from a booking to a pledge the donor withdrew, or that expired, are
nobody's to spend: they follow the pledge (withdrawn or expired) in the same transaction,
instead of sitting "available" on a closed pledge for ever."""

import datetime
from decimal import Decimal

import pytest

from safepassage.bookings import actions
from safepassage.donations.models import PledgeStatus
from safepassage.donations.pledges.actions import do_post_expiries, do_withdraw_pledge
from safepassage.donations.pledges.selectors import get_balance
from safepassage.ledger.selectors import verify_ledger
from tests.bookings.factories import booked_trip, make_network, pledge_of

pytestmark = pytest.mark.django_db


def _record(miles: int) -> actions.BookingRecord:
    return actions.BookingRecord(
        locator="QX7LMB", miles_charged=miles, taxes=Decimal("10.00"), currency="USD"
    )


def test_a_declined_request_of_a_withdrawn_pledge_gives_its_miles_back_to_the_donor() -> None:
    # given a booking request for 40,000 reserved miles of a 40,000-mile pledge
    network = make_network()
    pledge = pledge_of(network, miles=40_000)
    _trip, booking = booked_trip(network)
    # when the donor withdraws the pledge, then declines the request
    do_withdraw_pledge(pledge_id=pledge.public_id)
    actions.do_decline_booking(booking=booking, actor_ref="anonymous")
    # then the miles are withdrawn, not available to the next run
    balance = get_balance(pledge=pledge)
    assert balance.available.amount == 0
    assert balance.reserved.amount == 0
    assert balance.withdrawn.amount == 40_000
    assert verify_ledger().lines == []


def test_a_cancelled_request_of_a_withdrawn_pledge_gives_its_miles_back_to_the_donor() -> None:
    network = make_network()
    pledge = pledge_of(network, miles=50_000)
    _trip, booking = booked_trip(network)
    do_withdraw_pledge(pledge_id=pledge.public_id)
    # when the coordinator cancels the open request
    actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
    # then all of the pledge is withdrawn
    balance = get_balance(pledge=pledge)
    assert (balance.available.amount, balance.withdrawn.amount) == (0, 50_000)


def test_miles_set_aside_but_not_charged_go_to_a_withdrawn_pledges_donor() -> None:
    network = make_network()
    pledge = pledge_of(network, miles=40_000)
    _trip, booking = booked_trip(network)
    do_withdraw_pledge(pledge_id=pledge.public_id)
    # when the donor books for fewer miles than were set aside
    actions.do_record_booking(booking=booking, record=_record(30_000), actor_ref="anonymous")
    # then the 10,000 not charged are withdrawn, the rest redeemed
    balance = get_balance(pledge=pledge)
    assert balance.available.amount == 0
    assert balance.redeemed.amount == 30_000
    assert balance.withdrawn.amount == 10_000


def test_a_cancelled_booking_of_an_expired_pledge_returns_its_miles_as_expired() -> None:
    # given a booking that used all of a pledge which then expired
    network = make_network()
    pledge = pledge_of(network, miles=40_000)
    _trip, booking = booked_trip(network)
    actions.do_record_booking(booking=booking, record=_record(40_000), actor_ref="anonymous")
    do_post_expiries(today=pledge.expires_on + datetime.timedelta(days=1))
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.EXPIRED
    # when the booking is cancelled
    actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
    # then the returned miles are expired, not available on the expired pledge
    balance = get_balance(pledge=pledge)
    assert balance.available.amount == 0
    assert balance.redeemed.amount == 0
    assert balance.expired.amount == 40_000
    assert verify_ledger().lines == []

"""A pledge that expires (or is withdrawn) after its miles were booked but before the
traveller arrives keeps its donor until the impact note has gone out; then the donor is
forgotten (decision 0034). Dates are relative to the pledge's own expiry date."""

import datetime

import pytest
from django.core import mail

from safepassage.bookings import actions
from safepassage.bookings.models import Trip
from safepassage.donations.models import Pledge, PledgeStatus
from safepassage.donations.pledges.actions import do_post_expiries, do_withdraw_pledge
from safepassage.donations.pledges.selectors import get_pledge_ref
from safepassage.ledger.selectors import get_pledge_balance
from tests.bookings.factories import (
    DONOR_BOOKING,
    Network,
    booked_trip,
    donor_forgotten_events,
    donor_remembered,
    make_network,
    move_trip,
    pledge_of,
    run_worker,
)


def _booked_pledge() -> tuple[Network, Pledge, Trip]:
    """A confirmed pledge whose miles paid a booked ticket; nothing is reserved any more."""
    network = make_network()
    pledge = pledge_of(network)
    trip, booking = booked_trip(network)
    actions.do_record_booking(booking=booking, record=DONOR_BOOKING, actor_ref="anonymous")
    pledge.refresh_from_db()
    assert get_pledge_balance(pledge=get_pledge_ref(pledge=pledge)).reserved.amount == 0
    return network, pledge, trip


def _day_after_expiry(pledge: Pledge, days: int = 1) -> datetime.date:
    return pledge.expires_on + datetime.timedelta(days=days)


@pytest.mark.django_db(transaction=True)
def test_a_pledge_that_expires_between_booking_and_arrival_still_gets_its_impact_note() -> None:
    # Given a pledge whose miles paid a ticket that has not flown yet
    network, pledge, trip = _booked_pledge()

    # When its expiry date passes and the nightly upkeep runs (twice: it is idempotent)
    do_post_expiries(today=_day_after_expiry(pledge))
    do_post_expiries(today=_day_after_expiry(pledge, days=2))

    # Then the pledge is expired but its donor is kept: the impact note is still owed
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.EXPIRED
    assert donor_remembered(pledge)
    assert donor_forgotten_events(pledge) == 0

    # When the trip departs (still owed) and then arrives, and the worker runs
    move_trip(network, trip, "departed")
    run_worker()
    assert donor_remembered(pledge)
    mail.outbox.clear()
    move_trip(network, trip, "arrived")
    run_worker()

    # Then the donor got the note, and only then were forgotten, audited once
    assert len(mail.outbox) == 1
    assert "40" in mail.outbox[0].body
    assert not donor_remembered(pledge)
    assert donor_forgotten_events(pledge) == 1


@pytest.mark.django_db(transaction=True)
def test_a_pledge_that_expires_while_its_trip_is_in_the_air_still_gets_its_impact_note() -> None:
    # Given a booked ticket that has departed
    network, pledge, trip = _booked_pledge()
    move_trip(network, trip, "departed")

    # When the pledge expires before the traveller arrives
    do_post_expiries(today=_day_after_expiry(pledge, days=10))
    assert donor_remembered(pledge)
    run_worker()
    mail.outbox.clear()
    move_trip(network, trip, "arrived")
    run_worker()

    # Then the note reaches the donor, who is then forgotten
    assert len(mail.outbox) == 1
    assert not donor_remembered(pledge)


@pytest.mark.django_db(transaction=True)
def test_a_pledge_withdrawn_after_its_booking_still_gets_its_impact_note() -> None:
    # Given a booked ticket, then the donor withdraws what is left of the pledge
    network, pledge, trip = _booked_pledge()
    do_withdraw_pledge(pledge_id=pledge.public_id)

    # Then the donor is kept until the trip arrives, gets the note, and is forgotten
    assert donor_remembered(pledge)
    move_trip(network, trip, "departed")
    run_worker()
    mail.outbox.clear()
    move_trip(network, trip, "arrived")
    run_worker()
    assert len(mail.outbox) == 1
    assert not donor_remembered(pledge)
    assert donor_forgotten_events(pledge) == 1


@pytest.mark.django_db(transaction=True)
def test_an_expired_pledge_whose_trip_already_arrived_is_forgotten_by_the_nightly_upkeep() -> None:
    # Given a ticket that flew before the pledge's date (the note went out, donor kept:
    # the pledge was still open)
    network, pledge, trip = _booked_pledge()
    move_trip(network, trip, "departed")
    move_trip(network, trip, "arrived")
    run_worker()
    assert donor_remembered(pledge)

    # When the pledge expires
    do_post_expiries(today=_day_after_expiry(pledge))

    # Then nothing more is owed: the donor is forgotten at once
    assert not donor_remembered(pledge)

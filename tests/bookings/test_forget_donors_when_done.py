"""A donor who withdrew their pledge (or whose pledge expired) is forgotten once nothing
can involve them again: their sealed name and address are erased as soon as no miles are
reserved for a traveller and no ticket they paid for still waits for its impact note
(SR-32, data minimisation). Until then the address stays: the donor is owed the note or
the notice that a booking was cancelled."""

import pytest
from django.core import mail

from safepassage.bookings import actions
from safepassage.bookings.models import BookingRequest, Trip
from safepassage.donations.models import Pledge
from safepassage.donations.pledges.actions import do_withdraw_pledge
from tests.bookings.factories import (
    DONOR_BOOKING,
    Network,
    booked_trip,
    committed,
    donor_forgotten_events,
    donor_remembered,
    make_network,
    move_trip,
    pledge_of,
    run_worker,
)


def _withdrawn_with_a_request() -> tuple[Network, Pledge, Trip, BookingRequest]:
    """A pledge whose miles are reserved for a sent booking request, then withdrawn."""
    network = make_network()
    pledge = pledge_of(network)
    trip, booking = booked_trip(network)
    do_withdraw_pledge(pledge_id=pledge.public_id)
    return network, pledge, trip, booking


@pytest.mark.django_db(transaction=True)
def test_a_withdrawn_pledges_donor_gets_the_impact_note_and_is_then_forgotten() -> None:
    # Given a withdrawn pledge whose reserved miles the donor then booked
    network, pledge, trip, booking = _withdrawn_with_a_request()
    actions.do_record_booking(booking=booking, record=DONOR_BOOKING, actor_ref="anonymous")
    trip.refresh_from_db()
    move_trip(network, trip, "departed")
    run_worker()
    # (booked and flying: the impact note is still owed, so the address stays)
    assert donor_remembered(pledge)
    mail.outbox.clear()

    # When the trip arrives and the worker sends the impact note
    trip.refresh_from_db()
    move_trip(network, trip, "arrived")
    run_worker()

    # Then the donor got the note, and their name and address are gone, audited
    assert len(mail.outbox) == 1
    assert not donor_remembered(pledge)
    assert donor_forgotten_events(pledge) == 1


@pytest.mark.django_db
def test_a_withdrawn_pledges_donor_is_remembered_while_a_booked_ticket_has_not_flown() -> None:
    _network, pledge, _trip, booking = _withdrawn_with_a_request()

    actions.do_record_booking(booking=booking, record=DONOR_BOOKING, actor_ref="anonymous")

    assert donor_remembered(pledge)
    assert donor_forgotten_events(pledge) == 0


@pytest.mark.django_db
def test_a_withdrawn_pledges_donor_who_declines_its_last_request_is_forgotten() -> None:
    _network, pledge, _trip, booking = _withdrawn_with_a_request()
    assert donor_remembered(pledge)  # miles still reserved for a traveller

    actions.do_decline_booking(booking=booking, actor_ref="anonymous")

    assert not donor_remembered(pledge)
    assert donor_forgotten_events(pledge) == 1


@pytest.mark.django_db
def test_a_cancelled_booking_reaches_the_withdrawn_pledges_donor_who_is_then_forgotten() -> None:
    # Given a withdrawn pledge whose miles paid a booked ticket
    network, pledge, _trip, booking = _withdrawn_with_a_request()
    actions.do_record_booking(booking=booking, record=DONOR_BOOKING, actor_ref="anonymous")
    mail.outbox.clear()

    # When the coordinator cancels the booking (the miles go back, and are withdrawn)
    with committed():
        actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)

    # Then the donor is told, and then forgotten
    assert len(mail.outbox) == 1
    assert not donor_remembered(pledge)


@pytest.mark.django_db(transaction=True)
def test_a_confirmed_pledges_donor_is_kept_after_the_impact_note() -> None:
    # Given a pledge the donor did not withdraw: they may pledge or be asked again
    network = make_network()
    pledge = pledge_of(network)
    trip, booking = booked_trip(network)
    actions.do_record_booking(booking=booking, record=DONOR_BOOKING, actor_ref="anonymous")
    trip.refresh_from_db()
    move_trip(network, trip, "departed")
    trip.refresh_from_db()
    move_trip(network, trip, "arrived")

    run_worker()

    assert donor_remembered(pledge)
    assert donor_forgotten_events(pledge) == 0

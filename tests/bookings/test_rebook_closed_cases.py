"""A cancelled or declined ticket waits for the next allocation only while its case still
plans travel: the tickets of a case withdrawn or closed since were planned again by every
run, reserving miles and asking donors to book for someone no longer travelling."""

import pytest
from django.core import mail

from safepassage.bookings import actions, selectors
from safepassage.bookings.errors import RequestNoLongerOpen, TripNotReady
from safepassage.bookings.models import BookingRequest
from safepassage.cases.models import CaseState
from safepassage.donations.pledges.selectors import get_balance
from tests.bookings.factories import (
    accept_all,
    booked_trip,
    committed,
    details_for,
    make_network,
    pledge_of,
    solved_run,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("state", [CaseState.WITHDRAWN, CaseState.CLOSED])
def test_a_cancelled_ticket_of_a_case_that_left_travel_planning_is_not_planned_again(
    state: str,
) -> None:
    # given a trip whose request the coordinator cancelled: its tickets wait to be rebooked
    network = make_network()
    pledge_of(network, miles=40_000)
    trip, booking = booked_trip(network)
    actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
    demand = selectors.list_open_demand(organisation=network.organisation, currency="USD")
    assert list(demand) == [f"rebook-{booking.public_id}"]
    # when the case is withdrawn (or closed)
    trip.case.state = state
    trip.case.save(update_fields=["state"])
    # then the next allocation does not plan those tickets again
    demand = selectors.list_open_demand(organisation=network.organisation, currency="USD")
    assert demand == {}


def test_a_rebooking_planned_before_the_case_was_withdrawn_is_refused() -> None:
    # given a run that plans a rebooking
    network = make_network()
    pledge_of(network, miles=40_000)
    trip, booking = booked_trip(network)
    actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
    second = pledge_of(network, miles=40_000)
    run = solved_run(network)
    # when the case is withdrawn before the plan is accepted
    trip.case.state = CaseState.WITHDRAWN
    trip.case.save(update_fields=["state"])
    result = accept_all(network, run)
    # then nothing is reserved for it
    assert result.accepted == ()
    assert isinstance(result.refused[f"rebook-{booking.public_id}"], RequestNoLongerOpen)
    assert BookingRequest.objects.filter(trip=trip).count() == 1
    assert get_balance(pledge=second).reserved.amount == 0


def test_booking_requests_of_a_withdrawn_case_are_not_sent() -> None:
    # given an accepted trip whose case was then withdrawn
    network = make_network()
    pledge_of(network, miles=40_000)
    trip, booking = booked_trip(network)
    trip.case.state = CaseState.WITHDRAWN
    trip.case.save(update_fields=["state"])
    mail.outbox.clear()
    # when the coordinator sends the requests again
    with pytest.raises(TripNotReady), committed():
        actions.do_send_booking_requests(
            actor=network.coordinator.user,
            key_pair=network.coordinator.key_pair,
            trip=trip,
            details=details_for(2),
        )
    # then no donor is asked to book for someone no longer travelling
    assert mail.outbox == []
    booking.refresh_from_db()
    assert booking.link_version == 1

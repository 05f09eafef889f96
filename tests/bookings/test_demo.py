"""The demo walks a fictional case from "approved" to a ticketed trip paid by pledged miles."""

from io import StringIO

import pytest
from django.core.management import call_command

from safepassage.bookings import selectors
from safepassage.bookings.models import BookingStatus, Trip, TripStatus
from safepassage.cases.models import CaseState, CaseTransition
from safepassage.donations.pledges.selectors import get_balance
from safepassage.ledger.selectors import verify_ledger

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_ticketed_trip_paid_by_pledged_miles_and_one_to_allocate() -> None:
    call_command("demo", stdout=StringIO())
    trip = Trip.objects.select_related("case").get(status=TripStatus.TICKETED)
    assert trip.case.state == CaseState.TICKETED
    assert CaseTransition.objects.filter(case=trip.case, target=CaseState.APPROVED).exists()
    bookings = list(trip.booking_requests.select_related("pledge__program"))
    assert bookings
    assert {b.status for b in bookings} == {BookingStatus.BOOKED}
    for booking in bookings:
        assert booking.pledge is not None
        assert get_balance(pledge=booking.pledge).redeemed.amount >= booking.miles
    assert verify_ledger().lines == []
    waiting = selectors.list_open_demand(organisation=trip.organisation, currency="USD")
    assert len(waiting) == 1

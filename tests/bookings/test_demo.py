"""The demo walks a fictional case from "approved" to a ticketed trip paid by pledged miles,
cancels a second one's booking with a recorded refund, and spreads gifts over months."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import Authenticator, Membership, User
from safepassage.bookings import selectors
from safepassage.bookings.models import (
    BookingRequest,
    BookingStatus,
    CashRefund,
    RefundOutcome,
    Trip,
    TripStatus,
)
from safepassage.cases.models import CaseAttention, CaseState, CaseTransition
from safepassage.core.money import Money
from safepassage.donations.pledges.selectors import get_balance
from safepassage.ledger.selectors import verify_ledger
from tests.factories import StaffMember, sign_in

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
    # Waiting: the second case, and the third case's cancelled ticket to be booked again
    waiting = selectors.list_open_demand(organisation=trip.organisation, currency="USD")
    assert len(waiting) == 2
    assert sum(1 for request_id in waiting if request_id.startswith("rebook-")) == 1


def _demo_staff(local_part: str) -> StaffMember:
    user = User.objects.get(email=f"{local_part}@demo.safepassage.invalid")
    membership = Membership.objects.select_related("organisation").get(user=user)
    return StaffMember(
        user=user,
        organisation=membership.organisation,
        role=membership.role,
        device=Authenticator.objects.get(user=user),
    )


def test_the_demo_has_a_cancelled_booking_whose_cash_refund_shows_on_its_pages() -> None:
    # Given the demo network
    call_command("demo", stdout=StringIO())
    # Then one booking was cancelled after it paid taxes, and the refund is recorded
    booking = BookingRequest.objects.get(status=BookingStatus.CANCELLED)
    refund = CashRefund.objects.get(booking=booking)
    assert refund.outcome == RefundOutcome.RECEIVED
    assert booking.cash_paid
    assert Money(amount=refund.amount, currency=refund.currency) == Money(
        amount=booking.cash, currency=booking.currency
    )
    # And its case went back to "travel planned", its caseworker told
    assert booking.trip.case.state == CaseState.TRAVEL_PLANNED
    assert CaseAttention.objects.filter(case=booking.trip.case).exists()
    # When the demo admin (on the case) opens the refund page and the trip page
    client = sign_in(Client(), _demo_staff("admin"))
    refund_page = client.get(
        reverse("bookings:booking_refund", kwargs={"booking_id": booking.public_id})
    ).content.decode()
    trip_page = client.get(
        reverse("bookings:trip", kwargs={"trip_id": booking.trip.public_id})
    ).content.decode()
    # Then both show the refund, the amount written for people
    amount = f"{refund.amount:,.2f} USD"
    assert amount in refund_page
    assert "Refunded in full" in trip_page
    # And the ledger still balances
    assert verify_ledger().lines == []


def test_the_demo_reports_page_has_several_months_and_miles_about_to_expire() -> None:
    # Given the demo network and the Open Sky fund's admin
    call_command("demo", stdout=StringIO())
    admin = _demo_staff("fund-admin")
    # When they open the reports page (the last twelve months)
    response = sign_in(Client(), admin).get(
        reverse("donations:report", kwargs={"organisation_id": admin.organisation.public_id})
    )
    # Then money was raised in more than one month
    page = response.context["report"]
    assert len({row.month for row in page.money}) > 1
    # And miles of a campaign pledge expire within 90 days but not 30
    qatar = next(row for row in page.expiring if row.program_code == "QR")
    assert qatar.within == {30: 0, 90: 35_000}
    html = response.content.decode()
    assert "35,000" in html

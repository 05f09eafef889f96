"""Crypto-shredding a case removes its trips and booking requests: reserved miles are
released through the ledger first, redeemed miles stay redeemed, and the ledger verifies."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from safepassage.bookings import actions
from safepassage.bookings.models import BookingRequest, Trip
from safepassage.cases.models import Case, RetentionRule
from safepassage.cases.retention_actions import do_shred_cases_past_retention
from safepassage.donations.pledges.selectors import get_balance
from safepassage.ledger.selectors import verify_ledger
from tests.bookings.factories import Network, booked_trip, make_network, pledge_of

pytestmark = pytest.mark.django_db

RECORD = actions.BookingRecord(
    locator="QX7LMB", miles_charged=40_000, taxes=Decimal("10.00"), currency="USD"
)


def _close_long_ago(network: Network, case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(
        state="closed", state_changed_on=timezone.localdate() - datetime.timedelta(days=40)
    )
    RetentionRule.objects.get_or_create(
        organisation=network.organisation, state="closed", defaults={"days": 30}
    )


def test_a_closed_case_with_a_reserved_trip_is_shredded_and_the_miles_come_back() -> None:
    # given a closed case past retention whose trip still holds reserved miles
    network = make_network()
    pledge = pledge_of(network, miles=40_000)
    trip, _booking = booked_trip(network)
    assert get_balance(pledge=pledge).reserved.amount == 40_000
    _close_long_ago(network, trip.case)
    # when the retention run shreds it
    summary = do_shred_cases_past_retention()
    # then the case, its trip and its booking requests are gone
    assert summary.shredded == 1
    assert not Case.objects.filter(pk=trip.case_id).exists()
    assert not Trip.objects.exists()
    assert not BookingRequest.objects.exists()
    # and the reserved miles are back in the pledge, with a clean ledger
    balance = get_balance(pledge=pledge)
    assert (balance.available.amount, balance.reserved.amount) == (40_000, 0)
    assert verify_ledger().lines == []
    out = StringIO()
    call_command("ledger", "verify", stdout=out)  # raises CommandError on any problem


def test_a_booked_trip_keeps_its_miles_redeemed_when_its_case_is_shredded() -> None:
    network = make_network()
    pledge = pledge_of(network, miles=40_000)
    trip, booking = booked_trip(network)
    actions.do_record_booking(booking=booking, record=RECORD, actor_ref="anonymous")
    _close_long_ago(network, trip.case)
    do_shred_cases_past_retention()
    assert not Trip.objects.exists()
    balance = get_balance(pledge=pledge)
    assert (balance.redeemed.amount, balance.reserved.amount) == (40_000, 0)
    assert verify_ledger().lines == []

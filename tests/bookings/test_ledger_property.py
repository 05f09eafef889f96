"""Property: whatever the pledges, requests and what donors and coordinators then do
(book, decline, cancel), every pledge's miles add up and nothing is reserved twice."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safepassage.bookings import actions
from safepassage.bookings.models import BookingRequest, BookingStatus
from safepassage.donations.pledges.selectors import get_balance
from safepassage.ledger.selectors import verify_ledger
from tests.bookings.factories import (
    accept_all,
    make_network,
    planned_case,
    pledge_of,
    sent_trip,
    solved_run,
    travel_request,
)

pytestmark = pytest.mark.django_db

MOVES = st.sampled_from(["book", "book_less", "decline", "cancel", "book_then_cancel", "keep"])


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    pledged=st.lists(st.integers(min_value=5, max_value=60), min_size=1, max_size=3),
    parties=st.lists(
        st.tuples(st.integers(min_value=1, max_value=3), st.integers(min_value=5, max_value=25)),
        min_size=1,
        max_size=3,
    ),
    moves=st.lists(MOVES, min_size=6, max_size=6),
)
def test_every_pledge_adds_up_after_any_bookings(
    pledged: list[int], parties: list[tuple[int, int]], moves: list[str]
) -> None:
    # given pledges and requests (thousands of miles), allocated and accepted
    network = make_network()
    pledges = [pledge_of(network, miles=thousands * 1000) for thousands in pledged]
    for travellers, thousands in parties:
        travel_request(
            planned_case(network),
            program=network.program,
            travellers=travellers,
            miles=thousands * 1000,
        )
    accept_all(network, solved_run(network))
    for trip in {b.trip for b in BookingRequest.objects.filter(pledge__in=pledges)}:
        sent_trip(network, trip)
    # when each booking request meets one move
    requests = list(BookingRequest.objects.filter(pledge__in=pledges).order_by("pk"))
    for booking, move in zip(requests, moves, strict=False):
        charged = booking.miles if move != "book_less" else booking.miles // 2
        record = actions.BookingRecord(
            locator="ABCDE1", miles_charged=charged, taxes=Decimal(0), currency="USD"
        )
        if move.startswith("book"):
            actions.do_record_booking(booking=booking, record=record, actor_ref="anonymous")
        if move == "decline":
            actions.do_decline_booking(booking=booking, actor_ref="anonymous")
        if move in ("cancel", "book_then_cancel"):
            booking.refresh_from_db()
            actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
    # then every pledge's buckets match its booking requests and add up to what was pledged
    for pledge, thousands in zip(pledges, pledged, strict=True):
        balance = get_balance(pledge=pledge)
        rows = BookingRequest.objects.filter(pledge=pledge)
        open_points = sum(r.ledger_points for r in rows if r.is_open)
        redeemed = sum(r.points_redeemed for r in rows if r.status == BookingStatus.BOOKED)
        assert balance.reserved.amount == open_points
        assert balance.redeemed.amount == redeemed
        assert balance.available.amount == thousands * 1000 - open_points - redeemed
        assert balance.available.amount >= 0
    assert verify_ledger().lines == []

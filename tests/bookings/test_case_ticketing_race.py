"""On PostgreSQL: the last tickets of two trips of one case, booked at the same moment, still
ticket the case once: the second booking to take the case row lock sees the first trip
ticketed. (The audit chain's head lock serialises the two already; the case lock keeps it
so if that ever changes.)"""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connections

from safepassage.bookings import actions
from safepassage.bookings.models import BookingRequest, Trip, TripStatus
from safepassage.cases.models import CaseState, CaseTransition
from safepassage.cases.models.case import TransitionActorKind
from tests.bookings.factories import (
    accept_all,
    make_network,
    planned_case,
    pledge_of,
    sent_trip,
    solved_run,
    travel_request,
)

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _record_together(bookings: list[BookingRequest]) -> None:
    barrier = threading.Barrier(len(bookings))

    def record(booking: BookingRequest) -> None:
        try:
            barrier.wait(timeout=60)
            actions.do_record_booking(
                booking=booking,
                # no taxes: nothing leaves the fund, whose ledger lock would serialise them
                record=actions.BookingRecord(
                    locator="QX7LMB", miles_charged=booking.miles, taxes=Decimal(0), currency="USD"
                ),
                actor_ref="anonymous",
            )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(bookings)) as pool:
        list(pool.map(record, bookings))


def test_two_parties_booked_at_once_ticket_their_case_once() -> None:
    # given one case travelling as two parties, each trip paid by its own pledge
    network = make_network()
    case = planned_case(network)
    travel_request(case, program=network.program, travellers=1, miles=20_000)
    travel_request(case, program=network.program, travellers=1, miles=20_000)
    pledge_of(network, miles=20_000)
    pledge_of(network, miles=20_000)
    assert len(accept_all(network, solved_run(network)).accepted) == 2
    bookings = [sent_trip(network, trip)[0] for trip in Trip.objects.filter(case=case)]
    assert len({booking.pledge_id for booking in bookings}) == 2
    # when both donors record their bookings at the same moment
    _record_together(bookings)
    # then both trips and the case are ticketed, by exactly one system move
    assert set(Trip.objects.filter(case=case).values_list("status", flat=True)) == {
        TripStatus.TICKETED
    }
    case.refresh_from_db()
    assert case.state == CaseState.TICKETED
    assert (
        CaseTransition.objects.filter(
            case=case, target=CaseState.TICKETED, actor_kind=TransitionActorKind.SYSTEM
        ).count()
        == 1
    )

"""Concurrent acceptances on PostgreSQL: the pledge row locks let exactly one of two plans
that count on the same miles reserve them; the other fails cleanly, nothing half-done."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from safepassage.bookings import actions
from safepassage.bookings.errors import BookingsError, PledgeChanged, RequestAlreadyAccepted
from safepassage.bookings.models import AllocationRun, BookingRequest, Trip
from safepassage.donations.pledges.selectors import get_balance
from safepassage.ledger.selectors import verify_ledger
from tests.bookings.factories import (
    Network,
    make_network,
    planned_case,
    pledge_of,
    solved_run,
    travel_request,
)

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _accept_together(network: Network, runs: list[AllocationRun]) -> list[actions.Acceptance]:
    barrier = threading.Barrier(len(runs))

    def accept(run: AllocationRun) -> actions.Acceptance:
        try:
            barrier.wait(timeout=60)
            served = [item["request"] for item in (run.plan or {})["served"]]
            return actions.do_accept_plan(
                actor=network.coordinator.user,
                key_pair=network.coordinator.key_pair,
                run=run,
                request_ids=served,
            )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(runs)) as pool:
        return list(pool.map(accept, runs))


def _refusals(results: list[actions.Acceptance]) -> list[BookingsError]:
    return [error for result in results for error in result.refused.values()]


def test_two_runs_counting_on_the_same_miles_reserve_them_once() -> None:
    # given one pledge of 30,000 and two runs, each planning it for a different request
    network = make_network()
    travel_request(planned_case(network), program=network.program, travellers=1)
    pledge = pledge_of(network, miles=30_000)
    first = solved_run(network)
    travel_request(planned_case(network), program=network.program, travellers=1)
    second = solved_run(network)
    # when both are accepted at the same moment
    results = _accept_together(network, [first, second])
    # then the miles were reserved once, by one of them, and the other failed cleanly
    accepted = [request for result in results for request in result.accepted]
    assert len(accepted) >= 1
    reserved = get_balance(pledge=pledge).reserved.amount
    assert reserved == sum(b.ledger_points for b in BookingRequest.objects.all())
    assert reserved <= 30_000
    assert all(isinstance(e, PledgeChanged | RequestAlreadyAccepted) for e in _refusals(results))
    assert verify_ledger().lines == []


def test_the_same_plan_accepted_twice_at_once_makes_one_trip() -> None:
    network = make_network()
    case = planned_case(network)
    travel_request(case, program=network.program, travellers=2)
    pledge = pledge_of(network, miles=50_000)
    run = solved_run(network)
    results = _accept_together(network, [run, run, run])
    assert Trip.objects.filter(case=case).count() == 1
    assert get_balance(pledge=pledge).reserved.amount == 40_000
    assert sum(len(result.accepted) for result in results) == 1
    assert all(isinstance(e, RequestAlreadyAccepted | PledgeChanged) for e in _refusals(results))
    assert verify_ledger().lines == []

"""The real django-tasks-db worker: it solves a queued allocation run, and sends the donor's
impact note after arrival. Real commits (``transaction=True``), as in production."""

from decimal import Decimal

import pytest
from django.core import mail

from safepassage.bookings import actions, selectors
from safepassage.bookings.models import RunStatus, TripStatus
from safepassage.cases.models import CaseState
from tests.bookings.factories import (
    booked_trip,
    cover_budget,
    make_network,
    planned_case,
    pledge_of,
    run_worker,
    travel_request,
)

pytestmark = pytest.mark.django_db(transaction=True)

RECORD = actions.BookingRecord(
    locator="QX7LMB", miles_charged=40_000, taxes=Decimal("98.40"), currency="USD"
)


def test_departed_then_arrived_moves_the_case_and_sends_the_impact_note() -> None:
    network = make_network()
    pledge_of(network)
    trip, booking = booked_trip(network)
    actions.do_record_booking(booking=booking, record=RECORD, actor_ref="anonymous")
    trip.refresh_from_db()
    coordinator = network.coordinator
    actions.do_record_trip_progress(
        actor=coordinator.user, key_pair=coordinator.key_pair, trip=trip, target="departed"
    )
    run_worker()  # the pledge's confirmation and other e-mails queued so far
    mail.outbox.clear()
    actions.do_record_trip_progress(
        actor=coordinator.user, key_pair=coordinator.key_pair, trip=trip, target="arrived"
    )
    run_worker()
    trip.refresh_from_db()
    trip.case.refresh_from_db()
    assert (trip.status, trip.case.state) == (TripStatus.ARRIVED, CaseState.ARRIVED)
    assert len(mail.outbox) == 1
    note = str(mail.outbox[0].subject) + str(mail.outbox[0].body)
    assert "40,000" in note
    for secret in ("CANARY", trip.case.code, "MCX", "IST", "QX7LMB"):
        assert secret not in note


def test_a_run_solves_in_the_worker_and_the_review_shows_codes_and_pledges() -> None:
    # given one request for two travellers and a pledge that covers it
    network = make_network()
    case = planned_case(network)
    travel_request(case, program=network.program, travellers=2, miles=20_000)
    pledge = pledge_of(network, miles=50_000)
    cover_budget(network.organisation, budget=Decimal(1000))
    # when the run is started and the worker runs it
    run = actions.do_start_run(
        actor=network.coordinator.user,
        organisation=network.organisation,
        cash_budget=Decimal(1000),
        currency="USD",
        time_limit_seconds=5,
    )
    assert run.status == RunStatus.QUEUED
    run_worker()
    run.refresh_from_db()
    # then the plan serves the party from the pledge, taxes are the cash
    assert run.status == RunStatus.DONE
    assert run.gap == 0
    review = selectors.get_run_review(run=run)
    assert review is not None
    assert [(r.case_code, r.travellers) for r in review.served] == [(case.code, 2)]
    ticket = review.served[0].tickets[0]
    assert (ticket.pledge, ticket.miles, ticket.cash) == (
        str(pledge.public_id),
        40_000,
        Decimal("100.00"),
    )
    assert review.unserved == ()

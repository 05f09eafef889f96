"""The case follows its tickets through the cases app's system moves: "ticketed" when every
party of it holds its tickets, back to "travel planned" when a ticket is cancelled (or one
to be booked again is declined) before departure. The history row says "the system" and
why, names no one and holds no text; the audit event names who caused it."""

from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client

from safepassage.audit.models import AuditEvent
from safepassage.bookings import actions, selectors
from safepassage.bookings.errors import TripNotReady
from safepassage.bookings.models import BookingRequest, Trip, TripStatus
from safepassage.cases.actions import do_transition_case
from safepassage.cases.models import Case, CaseState, CaseTransition
from safepassage.cases.models.case import TransitionActorKind, TransitionReason
from safepassage.cases.selectors import read_case_contents
from safepassage.ledger.selectors import verify_ledger
from tests.bookings.factories import (
    Network,
    accept_all,
    booked_trip,
    details_for,
    fund_cash,
    make_network,
    planned_case,
    pledge_of,
    sent_trip,
    solved_run,
    travel_request,
)
from tests.cases.factories import sign_in_with_keys

pytestmark = pytest.mark.django_db


def _record(booking: BookingRequest, *, actor_ref: str = "anonymous") -> None:
    actions.do_record_booking(
        booking=booking,
        record=actions.BookingRecord(
            locator="QX7LMB", miles_charged=booking.miles, taxes=Decimal("10.00"), currency="USD"
        ),
        actor_ref=actor_ref,
    )


def _state(case: Case) -> str:
    case.refresh_from_db()
    return case.state


def _system_moves(case: Case) -> list[tuple[str, str, str]]:
    return [
        (transition.source, transition.target, transition.reason_code)
        for transition in CaseTransition.objects.filter(
            case=case, actor_kind=TransitionActorKind.SYSTEM
        ).order_by("pk")
    ]


def _rebook(network: Network, trip: Trip) -> BookingRequest:
    """The next allocation serves the waiting tickets again; the new request is sent."""
    pledge_of(network, miles=50_000)
    accept_all(network, solved_run(network))
    replacement = trip.booking_requests.filter(replacement=None, closed_on=None).get()
    mail.outbox.clear()
    actions.do_send_booking_requests(
        actor=network.coordinator.user,
        key_pair=network.coordinator.key_pair,
        trip=replacement.trip,
        details=details_for(trip.travellers),
    )
    replacement.refresh_from_db()
    return replacement


def test_the_last_booking_tickets_the_case_as_the_system_with_a_coded_reason() -> None:
    # given a trip whose only booking request was sent to the donor
    network = make_network()
    pledge_of(network)
    trip, booking = booked_trip(network)
    events = AuditEvent.objects.filter(action="case.state.ticketed").count()
    # when the donor records the booking from their link
    _record(booking)
    # then the case is ticketed by a move of the system, naming no one and holding no text
    assert _state(trip.case) == CaseState.TICKETED
    transition = CaseTransition.objects.get(case=trip.case, target=CaseState.TICKETED)
    assert transition.actor_kind == TransitionActorKind.SYSTEM
    assert transition.actor is None
    assert transition.reason is None
    assert transition.reason_code == TransitionReason.ALL_TICKETS_BOOKED
    assert transition.source == CaseState.TRAVEL_PLANNED
    # and audited once, by whoever booked
    moves = AuditEvent.objects.filter(action="case.state.ticketed")
    assert moves.count() == events + 1
    assert moves.last() is not None
    assert moves.last().actor == "anonymous"  # type: ignore[union-attr]  # checked above
    assert moves.last().object_ref == str(trip.case.public_id)  # type: ignore[union-attr]


def test_the_case_history_says_the_system_and_why() -> None:
    network = make_network()
    pledge_of(network)
    trip, booking = booked_trip(network)
    _record(booking)
    # the coordinator (travel key only) and the caseworker both read the row
    for staff in (network.coordinator, network.caseworker):
        contents = read_case_contents(case=trip.case, user=staff.user, key_pair=staff.key_pair)
        rows = [(t.actor, t.reason) for t in contents.transitions]
        assert ("The system", "All tickets booked") in rows
    page = sign_in_with_keys(Client(), network.caseworker).get(f"/cases/{trip.case.public_id}/")
    history = page.content.decode().split("History</h2>", 1)[1].split("Working on this case")[0]
    assert "<td>The system</td>" in history
    assert "All tickets booked" in history
    assert network.coordinator.user.display_name not in history


def test_the_history_speaks_russian() -> None:
    network = make_network()
    pledge_of(network)
    trip, booking = booked_trip(network)
    _record(booking)
    client = sign_in_with_keys(Client(), network.caseworker)
    client.cookies["django_language"] = "ru"
    text = client.get(f"/cases/{trip.case.public_id}/", HTTP_ACCEPT_LANGUAGE="ru").content
    assert "Система" in text.decode()
    assert "All tickets booked" not in text.decode()


def test_cancelling_a_booked_ticket_reopens_the_case_and_rebooking_tickets_it_again() -> None:
    # given a ticketed case
    network = make_network()
    pledge_of(network)
    trip, booking = booked_trip(network)
    _record(booking)
    assert _state(trip.case) == CaseState.TICKETED
    # when the coordinator cancels the booked ticket before departure
    actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
    # then the case is back in "travel planned" by the system's move, audited as the
    # coordinator, and the ticket (only it, not the whole request) waits for an allocation
    assert _state(trip.case) == CaseState.TRAVEL_PLANNED
    assert _system_moves(trip.case) == [
        (CaseState.TRAVEL_PLANNED, CaseState.TICKETED, TransitionReason.ALL_TICKETS_BOOKED),
        (CaseState.TICKETED, CaseState.TRAVEL_PLANNED, TransitionReason.TICKET_CANCELLED),
    ]
    reopened = AuditEvent.objects.filter(action="case.state.travel_planned").get()
    assert reopened.actor == str(network.coordinator.user.public_id)
    demand = selectors.list_open_demand(organisation=network.organisation, currency="USD")
    assert list(demand) == [f"rebook-{booking.public_id}"]
    # when the next allocation serves it and the donor books the new request
    replacement = _rebook(network, trip)
    _record(replacement)
    # then the trip and the case are ticketed again, by a second system move
    trip.refresh_from_db()
    assert trip.status == TripStatus.TICKETED
    assert _state(trip.case) == CaseState.TICKETED
    assert [move[1] for move in _system_moves(trip.case)] == [
        CaseState.TICKETED,
        CaseState.TRAVEL_PLANNED,
        CaseState.TICKETED,
    ]
    assert verify_ledger().lines == []


def test_declining_after_the_case_became_ticketed_reopens_it() -> None:
    # given a cancelled ticket being booked again, and a coordinator who marked the case
    # ticketed by hand meanwhile
    network = make_network()
    pledge_of(network)
    trip, booking = booked_trip(network)
    _record(booking)
    actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
    replacement = _rebook(network, trip)
    do_transition_case(
        actor=network.coordinator.user,
        key_pair=network.coordinator.key_pair,
        case=trip.case,
        target=CaseState.TICKETED,
        reason="The airline confirmed by phone.",
    )
    # when the donor declines the new request
    actions.do_decline_booking(booking=replacement, actor_ref="anonymous")
    # then the case is back in "travel planned", the system saying a ticket was declined
    assert _state(trip.case) == CaseState.TRAVEL_PLANNED
    assert _system_moves(trip.case)[-1] == (
        CaseState.TICKETED,
        CaseState.TRAVEL_PLANNED,
        TransitionReason.TICKET_DECLINED,
    )
    assert f"rebook-{replacement.public_id}" in selectors.list_open_demand(
        organisation=network.organisation, currency="USD"
    )


def test_declining_before_anything_was_ticketed_moves_nothing() -> None:
    network = make_network()
    pledge_of(network)
    trip, booking = booked_trip(network)
    actions.do_decline_booking(booking=booking, actor_ref="anonymous")
    assert _state(trip.case) == CaseState.TRAVEL_PLANNED
    assert not CaseTransition.objects.filter(case=trip.case).exists()


def test_after_departure_a_ticket_cannot_be_cancelled_and_the_case_stays_departed() -> None:
    network = make_network()
    pledge_of(network)
    trip, booking = booked_trip(network)
    _record(booking)
    actions.do_record_trip_progress(
        actor=network.coordinator.user,
        key_pair=network.coordinator.key_pair,
        trip=trip,
        target=TripStatus.DEPARTED,
    )
    before = CaseTransition.objects.count()
    with pytest.raises(TripNotReady):
        actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
    assert _state(trip.case) == CaseState.DEPARTED
    assert CaseTransition.objects.count() == before


def test_a_case_withdrawn_meanwhile_is_not_ticketed_by_the_last_booking() -> None:
    # given a trip being booked for a case the caseworker then withdrew
    network = make_network()
    pledge_of(network)
    trip, booking = booked_trip(network)
    do_transition_case(
        actor=network.caseworker.user,
        key_pair=network.caseworker.key_pair,
        case=trip.case,
        target=CaseState.WITHDRAWN,
        reason="Found another way out.",
    )
    # when the donor books anyway, the booking stands and the case stays withdrawn
    _record(booking)
    trip.refresh_from_db()
    assert trip.status == TripStatus.TICKETED
    assert _state(trip.case) == CaseState.WITHDRAWN
    assert _system_moves(trip.case) == []


def test_a_case_of_two_parties_is_ticketed_only_when_both_hold_their_tickets() -> None:
    # given one case travelling as two parties, each with its own trip
    network = make_network()
    fund_cash(network)
    pledge_of(network, miles=100_000)
    case = planned_case(network)
    travel_request(case, program=network.program, travellers=1, miles=20_000)
    travel_request(case, program=network.program, travellers=1, miles=20_000)
    result = accept_all(network, solved_run(network))
    assert len(result.accepted) == 2
    first, second = Trip.objects.filter(case=case).order_by("pk")
    first_booking = sent_trip(network, first)[0]
    second_booking = sent_trip(network, second)[0]
    # when the first party's ticket is booked, the case still waits for the second
    _record(first_booking)
    assert _state(case) == CaseState.TRAVEL_PLANNED
    # and once the second is booked too, the case is ticketed
    _record(second_booking)
    assert _state(case) == CaseState.TICKETED
    # and cancelling either party's ticket takes it back
    actions.do_cancel_booking(booking=first_booking, actor=network.coordinator.user)
    assert _state(case) == CaseState.TRAVEL_PLANNED

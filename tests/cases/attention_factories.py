"""Cases the system moved back, for the "needs attention" tests."""

from decimal import Decimal

from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.bookings import actions
from safepassage.bookings.models import BookingRequest, Trip
from safepassage.cases.actions import do_add_case_member
from safepassage.cases.models import Case, CaseAttention, CaseState, CaseTransition
from safepassage.cases.models.case import TransitionActorKind, TransitionReason
from tests.bookings.factories import (
    Network,
    accept_all,
    fund_cash,
    pledge_of,
    sent_trip,
    solved_run,
    travel_request,
)
from tests.cases.factories import make_case

CANARY_NAME = "Canary Attention Person"
CANARY_PHONE = "+7 928 555 01 77"


def ticketed_trip(network: Network) -> tuple[Trip, BookingRequest]:
    """A case of the network's caseworker (the canary name and phone sealed in it) with the
    coordinator on it, ticketed by the donor's booking of its only request."""
    fund_cash(network)
    pledge_of(network)
    case = make_case(actor=network.caseworker, full_name=CANARY_NAME, contact=CANARY_PHONE)
    do_add_case_member(
        actor=network.caseworker.user,
        key_pair=network.caseworker.key_pair,
        case=case,
        member=network.coordinator.user,
    )
    case.state = CaseState.TRAVEL_PLANNED
    case.save(update_fields=["state"])
    travel_request(case, program=network.program, travellers=2, miles=20_000)
    accept_all(network, solved_run(network))
    trip = Trip.objects.get(case=case)
    booking = sent_trip(network, trip)[0]
    actions.do_record_booking(
        booking=booking,
        record=actions.BookingRecord(
            locator="QX7LMB", miles_charged=booking.miles, taxes=Decimal("10.00"), currency="USD"
        ),
        actor_ref="anonymous",
    )
    case.refresh_from_db()
    assert case.state == CaseState.TICKETED
    return trip, booking


def rebooked(network: Network, trip: Trip) -> BookingRequest:
    """The next allocation serves the cancelled ticket again; the new request is sent."""
    fund_cash(network)  # the run's budget may not exceed the cash held
    pledge_of(network, miles=50_000)
    accept_all(network, solved_run(network))
    replacement = trip.booking_requests.filter(replacement=None, closed_on=None).get()
    sent_trip(network, replacement.trip)
    replacement.refresh_from_db()
    return replacement


def clear_attention_for(*, case: Case, recipient: User) -> CaseAttention:
    """An item for ``recipient`` on ``case`` from a system row (URL-level tests only)."""
    item = CaseAttention.objects.filter(case=case, recipient=recipient).first()
    if item is None:
        today = timezone.localdate()
        transition = CaseTransition.objects.create(
            case=case,
            actor_kind=TransitionActorKind.SYSTEM,
            source=CaseState.TICKETED,
            target=CaseState.TRAVEL_PLANNED,
            made_on=today,
            reason_group="",
            reason_code=TransitionReason.TICKET_CANCELLED,
        )
        item = CaseAttention.objects.create(
            case=case,
            transition=transition,
            recipient=recipient,
            reason_code=TransitionReason.TICKET_CANCELLED,
            raised_on=today,
        )
    return item

"""A travel-planned case with a coordinator holding its travel key, travel requests priced
in test programs, and network pledges: everything an allocation needs."""

import datetime
import uuid
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import Decimal

from django.core import mail
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.bookings import actions, selectors
from safepassage.bookings.models import AllocationRun, BookingRequest, BookingStatus, Trip
from safepassage.bookings.tokens import make_donor_token
from safepassage.cases.actions import do_add_case_member
from safepassage.cases.models import Case, CaseState
from safepassage.core.ledger import MoneyOwner, OwnerKind
from safepassage.core.money import Miles, Money
from safepassage.donations.models import DelegatedBooking, Pledge, Program
from safepassage.donations.pledges.actions import do_set_delegated_booking_consent
from safepassage.donations.pledges.selectors import get_pledge_ref
from safepassage.ledger.actions import do_record_gift, do_reserve_miles
from safepassage.organisations.models import Organisation
from safepassage.travel.models import (
    FarePrice,
    OptionSource,
    PriceBasis,
    TravelFare,
    TravelOption,
    TravelRequest,
    TravelRequestState,
)
from tests.cases.factories import KeyedStaff, keyed_organisation, make_case, make_keyed_staff
from tests.donations.pledges.factories import confirmed_pledge, make_program


@dataclass
class Network:
    organisation: Organisation
    caseworker: KeyedStaff
    coordinator: KeyedStaff
    program: Program


def make_network() -> Network:
    organisation, _recovery = keyed_organisation()
    caseworker = make_keyed_staff(Role.CASEWORKER, organisation)
    coordinator = make_keyed_staff(Role.TRAVEL_COORDINATOR, organisation)
    return Network(
        organisation=organisation,
        caseworker=caseworker,
        coordinator=coordinator,
        program=make_program(),
    )


def planned_case(network: Network, *, priority: int = 2) -> Case:
    """A case in "travel planned" with the coordinator on it (travel key only)."""
    case = make_case(actor=network.caseworker)
    do_add_case_member(
        actor=network.caseworker.user,
        key_pair=network.caseworker.key_pair,
        case=case,
        member=network.coordinator.user,
    )
    case.state = CaseState.TRAVEL_PLANNED
    case.priority = priority
    case.save(update_fields=["state", "priority"])
    return case


def travel_request(
    case: Case,
    *,
    program: Program,
    travellers: int = 2,
    miles: int = 20_000,
    taxes: str = "50.00",
    cash_price: str | None = None,
) -> TravelRequest:
    """An open request with one option of one fare, priced per traveller in ``program``."""
    today = timezone.localdate()
    request = TravelRequest.objects.create(
        case=case,
        state=TravelRequestState.OPEN,
        party_size=travellers,
        origin="MCX",
        earliest_departure=today + datetime.timedelta(days=7),
        latest_departure=today + datetime.timedelta(days=21),
        created_on=today,
        changed_on=today,
    )
    option = TravelOption.objects.create(
        request=request,
        position=1,
        airports="MCX IST",
        source=OptionSource.MANUAL,
        distance_miles=900,
    )
    fare = TravelFare.objects.create(
        option=option,
        position=1,
        airports="MCX IST",
        carriers="TK",
        distance_miles=900,
        cash_price=None if cash_price is None else Decimal(cash_price),
        cash_currency="USD" if cash_price else "",
    )
    FarePrice.objects.create(
        fare=fare,
        program=program,
        miles=miles,
        taxes=Decimal(taxes),
        currency="USD",
        basis=PriceBasis.QUOTED,
    )
    return request


def pledge_of(network: Network, *, miles: int = 50_000) -> Pledge:
    return confirmed_pledge(program=network.program, miles=miles)


def allow_delegation(pledge: Pledge) -> None:
    """The pledge's program lets the fund book with the donor's access, and the donor
    agreed (from the pledge's management page)."""
    Program.objects.filter(pk=pledge.program_id).update(
        delegated_booking=DelegatedBooking.WITH_CONSENT
    )
    pledge.program.refresh_from_db()
    do_set_delegated_booking_consent(pledge_id=pledge.public_id, consent=True)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")


def committed() -> AbstractContextManager[object]:
    """Run on-commit callbacks (tasks, e-mails) when the block ends, as a commit would."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def solved_run(network: Network, *, cash_budget: str = "1000") -> AllocationRun:
    """A run started and solved. The task is queued as in production, but solved here by
    the action the task calls: inside a test transaction the worker would close the
    connection on PostgreSQL (``tests/bookings/test_worker.py`` runs the real worker)."""
    cover_budget(network.organisation, budget=Decimal(cash_budget))
    with committed():
        run = actions.do_start_run(
            actor=network.coordinator.user,
            organisation=network.organisation,
            cash_budget=Decimal(cash_budget),
            currency="USD",
            time_limit_seconds=5,
        )
    return actions.do_solve_run(run_id=run.public_id)


def cover_budget(organisation: Organisation, *, budget: Decimal, currency: str = "USD") -> None:
    """A run's budget may not exceed what the organisation holds (``check_start_run``): give
    its general fund whatever the budget counts on and the fund and campaigns lack."""
    held = selectors.get_cash_positions(
        organisation=organisation, currencies=[currency], on=timezone.localdate()
    )[0].total.amount
    if budget > held:
        do_record_gift(
            owner=MoneyOwner(kind=OwnerKind.FUND, owner_id=str(organisation.public_id)),
            amount=Money(amount=budget - held, currency=currency),
            idempotency_key=f"test-budget:{uuid.uuid4()}",
            reference="test-budget",
            actor_ref="system",
            organisation_ref=str(organisation.public_id),
        )


def accept_all(network: Network, run: AllocationRun) -> actions.Acceptance:
    served = [item["request"] for item in (run.plan or {}).get("served", [])]
    return actions.do_accept_plan(
        actor=network.coordinator.user,
        key_pair=network.coordinator.key_pair,
        run=run,
        request_ids=served,
    )


def details_for(travellers: int) -> actions.TripDetails:
    return actions.TripDetails(
        itinerary="TK 414 MCX-IST 2026-12-09",
        passengers=tuple(
            actions.Passenger(
                number=n,
                name_in_passport=f"CANARY TRAVELLER {n}",
                birth_date="1990-01-0" + str(n),
                document=f"CANARYDOC{n}",
            )
            for n in range(1, travellers + 1)
        ),
    )


def sent_trip(network: Network, trip: Trip) -> list[BookingRequest]:
    with committed():
        actions.do_send_booking_requests(
            actor=network.coordinator.user,
            key_pair=network.coordinator.key_pair,
            trip=trip,
            details=details_for(trip.travellers),
        )
    return list(trip.booking_requests.order_by("pk"))


def fund_cash(network: Network, *, amount: str = "1000.00", currency: str = "USD") -> None:
    """A cash gift to the organisation's general fund: the taxes a booking posts come out
    of it."""
    do_record_gift(
        owner=MoneyOwner(kind=OwnerKind.FUND, owner_id=str(network.organisation.public_id)),
        amount=Money(amount=Decimal(amount), currency=currency),
        idempotency_key=f"test-gift:{uuid.uuid4()}",
        reference="test-gift",
        actor_ref="system",
        organisation_ref=str(network.organisation.public_id),
    )


def booked_trip(network: Network, *, travellers: int = 2) -> tuple[Trip, BookingRequest]:
    fund_cash(network)
    case = planned_case(network)
    travel_request(case, program=network.program, travellers=travellers, miles=20_000)
    run = solved_run(network)
    accept_all(network, run)
    trip = Trip.objects.get(case=case)
    mail.outbox.clear()
    bookings = sent_trip(network, trip)
    return trip, bookings[0]


# --- rows for URL-level tests (the permission matrix): placeholders, never opened -------


def matrix_run(organisation: Organisation, user: User) -> AllocationRun:
    run = AllocationRun.objects.filter(organisation=organisation).first()
    if run is None:
        run = AllocationRun.objects.create(
            organisation=organisation,
            started_by=user,
            started_on=timezone.localdate(),
            cash_budget=Decimal(0),
            problem={},
        )
    return run


def matrix_trip(case: Case, user: User) -> Trip:
    trip = Trip.objects.filter(case=case).first()
    if trip is None:
        trip = Trip.objects.create(
            organisation=case.organisation,
            case=case,
            run=matrix_run(case.organisation, user),
            request_ref=str(uuid.uuid4()),
            option_ref="option",
            travellers=1,
            accepted_by=user,
            accepted_on=timezone.localdate(),
            record_public_key=b"\0" * 32,
            record_private_key=b"placeholder",
        )
    return trip


def matrix_booking(case: Case, user: User) -> BookingRequest:
    """A booking request sent to its donor, holding 20,000 of a 30,000-mile pledge's miles:
    reserved in the ledger as the allocation run's acceptance reserves them, so every
    action on it (cancelling releases them) meets the state the product makes."""
    trip = matrix_trip(case, user)
    booking = trip.booking_requests.first()
    if booking is None:
        pledge = confirmed_pledge(program=make_program(), miles=30_000)
        program = pledge.program.code
        booking = BookingRequest.objects.create(
            trip=trip,
            run=trip.run,
            request_ref=trip.request_ref,
            fare_ref="fare",
            traveller_numbers=[1],
            pledge=pledge,
            program=program,
            miles=20_000,
            ledger_points=20_000,
            status=BookingStatus.SENT,
            link_version=1,
            created_on=timezone.localdate(),
        )
        do_reserve_miles(
            pledge=get_pledge_ref(pledge=pledge),
            amount=Miles(amount=booking.ledger_points, program=program),
            idempotency_key=f"booking-reserve:{booking.public_id}",
            reference=f"booking-request:{booking.public_id}",
            actor_ref="system",
            organisation_ref=str(trip.organisation.public_id),
        )
    return booking


def matrix_donor_token(case: Case, user: User) -> str:
    booking = matrix_booking(case, user)
    return make_donor_token(
        booking_id=booking.public_id, version=booking.link_version, link_key=b"k" * 32
    )


def donor_remembered(pledge: Pledge) -> bool:
    """Whether the pledge still holds its donor's sealed name or address."""
    pledge.refresh_from_db()
    return pledge.donor_email_envelope is not None or pledge.donor_name_envelope is not None


def donor_forgotten_events(pledge: Pledge) -> int:
    """How many times the audit trail says the pledge's donor was forgotten."""
    return AuditEvent.objects.filter(
        action="pledge.donor_forgotten", object_ref=str(pledge.public_id)
    ).count()


DONOR_BOOKING = actions.BookingRecord(
    locator="QX7LMB", miles_charged=40_000, taxes=Decimal("98.40"), currency="USD"
)
"""What a donor records after booking a ticket with 40,000 of their miles."""


def move_trip(network: Network, trip: Trip, target: str) -> None:
    """The network's coordinator records the trip's progress (``departed``, ``arrived``)."""
    trip.refresh_from_db()
    coordinator = network.coordinator
    actions.do_record_trip_progress(
        actor=coordinator.user, key_pair=coordinator.key_pair, trip=trip, target=target
    )

"""Demo trip: a fictional case walked from "approved" to "ticketed", paid by pledged miles.

Called once from ``safepassage.demo.seed.seed_demo`` after the keys, pledges and routes are
seeded. Everything goes through the real actions: the case's moves, the household, the
travel request with a quoted option, a confirmed pledge, an allocation run, its acceptance
(miles reserved), the booking request (passengers sealed) and the donor's booking (miles
redeemed, case ticketed). A third case is ticketed the same way, then its booking is
cancelled before departure and the airline's refund of the taxes recorded (decision 0023),
so its ticket waits to be booked again. A second planned case is left open so a coordinator
can run an allocation themselves. Every name is fictional; every address ends in
``.invalid``.
"""

import datetime
import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Protocol

from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.bookings import actions
from safepassage.bookings.models import RefundOutcome, Trip
from safepassage.bookings.refund_actions import RefundEntry, check_record_refund, do_record_refund
from safepassage.cases.actions import (
    CaseDetails,
    WorkflowFields,
    do_add_case_member,
    do_add_household_member,
    do_create_case,
    do_transition_case,
)
from safepassage.cases.key_actions import unlock_staff_keys
from safepassage.cases.models import Case
from safepassage.core.crypto import KeyPair
from safepassage.core.money import Money
from safepassage.donations.gifts import actions as gift_actions
from safepassage.donations.models import GiftSource, Program
from safepassage.donations.pledges.actions import (
    PledgeTerms,
    do_confirm_pledge,
    do_submit_pledge,
)
from safepassage.organisations.models import Organisation
from safepassage.travel.actions import (
    ManualFare,
    RequestDetails,
    check_create_travel_request,
    do_add_manual_option,
    do_create_travel_request,
    do_quote_price,
    do_set_travel_request_state,
)
from safepassage.travel.models import FarePrice, PriceBasis, TravelRequest, TravelRequestState

DEMO_PROGRAM = "UA"
DEMO_ORGANISATION = "Northern Path"


class Credential(Protocol):
    """What this module reads of ``safepassage.demo.seed.DemoCredential``."""

    @property
    def email(self) -> str: ...

    @property
    def password(self) -> str: ...


def _unlocked(credentials: Iterable[Credential], local_part: str) -> tuple[User, KeyPair]:
    credential = next(c for c in credentials if c.email.startswith(f"{local_part}@"))
    user = User.objects.get(email=credential.email)
    key_pair = unlock_staff_keys(user=user, password=credential.password)
    if key_pair is None:
        msg = f"demo user {local_part} has no key pair"
        raise RuntimeError(msg)
    return user, key_pair


def _approved_case(
    *,
    organisation: Organisation,
    staff: Mapping[str, tuple[User, KeyPair]],
    full_name: str,
    travellers: int,
) -> Case:
    """A case walked new → approved → travel planned, with the coordinator on it."""
    caseworker, caseworker_keys = staff["caseworker"]
    admin, admin_keys = staff["admin"]
    coordinator, _keys = staff["coordinator"]
    case = do_create_case(
        actor=caseworker,
        organisation=organisation,
        details=CaseDetails(
            full_name=full_name,
            story="A fictional request for help, made for the demo.",
        ),
        workflow=WorkflowFields(priority=3, risk=3, origin="MCX", destination="LT"),
    )
    do_add_case_member(actor=caseworker, key_pair=caseworker_keys, case=case, member=admin)
    for number in range(travellers):
        do_add_household_member(
            actor=caseworker,
            key_pair=caseworker_keys,
            case=case,
            full_name=full_name if number == 0 else f"{full_name}, relative {number}",
            relationship="self" if number == 0 else "partner",
            birth_year="1991",
        )
    for target, actor, keys in (
        ("triaged", caseworker, caseworker_keys),
        ("vetting", caseworker, caseworker_keys),
        ("approved", admin, admin_keys),
        ("documents_visa", caseworker, caseworker_keys),
        ("travel_planned", caseworker, caseworker_keys),
    ):
        do_transition_case(
            actor=actor, key_pair=keys, case=case, target=target, reason="Demo walk-through."
        )
    do_add_case_member(actor=caseworker, key_pair=caseworker_keys, case=case, member=coordinator)
    return case


def _open_request(*, case: Case, coordinator: User, miles: int) -> TravelRequest:
    """A travel request MCX → IST (TK, bookable with United miles), quoted and opened."""
    today = timezone.localdate()
    household = list(case.household.order_by("pk"))
    details = RequestDetails(
        traveller_ids=[str(member.public_id) for member in household],
        origin="MCX",
        destinations=["TR"],
        earliest_departure=today + datetime.timedelta(days=10),
        latest_departure=today + datetime.timedelta(days=30),
    )
    travellers = check_create_travel_request(case=case, details=details)
    request = do_create_travel_request(
        actor=coordinator, case=case, travellers=travellers, details=details
    )
    option = do_add_manual_option(
        actor=coordinator,
        travel_request=request,
        fares=[ManualFare(airports=("MCX", "IST"), carriers=frozenset({"TK"}))],
    )
    fare = option.fares.get()
    price = FarePrice.objects.filter(fare=fare, program__code=DEMO_PROGRAM).first()
    if price is None:
        price = FarePrice.objects.create(
            fare=fare,
            program=Program.objects.get(code=DEMO_PROGRAM),
            currency="USD",
            basis=PriceBasis.UNKNOWN,
        )
    do_quote_price(
        actor=coordinator, price=price, miles=miles, taxes=Decimal("48.20"), currency="USD"
    )
    return do_set_travel_request_state(
        actor=coordinator, travel_request=request, state=TravelRequestState.OPEN
    )


def _demo_pledge(*, miles: int) -> None:
    pledge, _created = do_submit_pledge(
        submission_token="demo-trip-pledge",  # noqa: S106  # a form token, not a password
        terms=PledgeTerms(
            program=Program.objects.get(code=DEMO_PROGRAM),
            miles=miles,
            expires_on=timezone.localdate() + datetime.timedelta(days=400),
        ),
        donor_name="Demo donor (fictional)",
        email="trip-donor@demo.safepassage.invalid",
        is_anonymous=True,
        campaign=None,
        language="en",
    )
    do_confirm_pledge(pledge_id=pledge.public_id, language="en")


def _demo_fund_gift(*, user: User, organisation: Organisation) -> None:
    """A fictional gift to the general fund: the trip's taxes are paid out of it."""
    gift_actions.do_record_staff_gift(
        user=user,
        submission_key=uuid.uuid4().hex,
        destination=gift_actions.check_staff_gift_destination(
            organisation=organisation, campaign=None
        ),
        amount=Money(amount=Decimal("500.00"), currency="USD"),
        source=GiftSource.BANK_TRANSFER,
        received_on=timezone.localdate(),
        donor_name="",
        donor_email="",
    )


def _ticket(
    *,
    organisation: Organisation,
    case: Case,
    coordinator: User,
    coordinator_keys: KeyPair,
    cash_budget: Decimal,
    locator: str,
) -> Trip:
    """Allocate ``case``'s open request in a run of its own, send the booking requests and
    record the donor's booking: the case is ticketed, the taxes paid from the fund."""
    run = actions.do_start_run(
        actor=coordinator,
        organisation=organisation,
        cash_budget=cash_budget,
        currency="USD",
        time_limit_seconds=5,
    )
    run = actions.do_solve_run(run_id=run.public_id)
    travel_request = case.travel_requests.get()
    actions.do_accept_plan(
        actor=coordinator,
        key_pair=coordinator_keys,
        run=run,
        request_ids=[str(travel_request.public_id)],
    )
    trip = Trip.objects.get(request_ref=str(travel_request.public_id))
    actions.do_send_booking_requests(
        actor=coordinator,
        key_pair=coordinator_keys,
        trip=trip,
        details=actions.TripDetails(
            itinerary="TK 415 MCX-IST, in ten days (fictional)",
            passengers=tuple(
                actions.Passenger(
                    number=number,
                    name_in_passport=f"DEMO TRAVELLER {number}",
                    birth_date="1990-01-01",
                    document="DEMO0000",
                )
                for number in range(1, trip.travellers + 1)
            ),
        ),
    )
    for booking in trip.booking_requests.all():
        actions.do_record_booking(
            booking=booking,
            record=actions.BookingRecord(
                locator=locator,
                miles_charged=booking.miles,
                taxes=booking.cash,
                currency=booking.currency,
            ),
            actor_ref="anonymous",
        )
    return trip


def _cancel_with_refund(*, trip: Trip, coordinator: User) -> None:
    """The airline cancelled the flight before departure: the coordinator cancels the
    booking (miles back to the pledge, the case back to "travel planned", its caseworker
    told) and records the taxes the airline refunded (credited back to the fund)."""
    booking = trip.booking_requests.get()
    booking = actions.do_cancel_booking(booking=booking, actor=coordinator)
    entry = RefundEntry(
        outcome=RefundOutcome.RECEIVED,
        amount=Money(amount=booking.cash, currency=booking.currency),
    )
    check_record_refund(booking=booking, entry=entry)
    do_record_refund(actor=coordinator, booking=booking, entry=entry, request_key=uuid.uuid4())


def seed_demo_trip(
    *, credentials: Iterable[Credential], organisations: Mapping[str, Organisation]
) -> None:
    """Walk one fictional case to "ticketed" and leave a second one ready to allocate."""
    credential_list = list(credentials)
    staff = {
        name: _unlocked(credential_list, name) for name in ("admin", "caseworker", "coordinator")
    }
    organisation = organisations[DEMO_ORGANISATION]
    coordinator, coordinator_keys = staff["coordinator"]
    ticketed = _approved_case(
        organisation=organisation, staff=staff, full_name="Demo Traveller (fictional)", travellers=2
    )
    _open_request(case=ticketed, coordinator=coordinator, miles=17_500)
    _demo_pledge(miles=60_000)
    _demo_fund_gift(user=staff["admin"][0], organisation=organisation)
    _ticket(
        organisation=organisation,
        case=ticketed,
        coordinator=coordinator,
        coordinator_keys=coordinator_keys,
        cash_budget=Decimal(500),
        locator="DEMO42",
    )
    # A third case was ticketed too, then its flight was cancelled before departure and the
    # airline refunded the taxes: the trip page shows the cancelled booking and the refund.
    cancelled = _approved_case(
        organisation=organisation,
        staff=staff,
        full_name="Third Demo Person (fictional)",
        travellers=1,
    )
    _open_request(case=cancelled, coordinator=coordinator, miles=17_500)
    _cancel_with_refund(
        trip=_ticket(
            organisation=organisation,
            case=cancelled,
            coordinator=coordinator,
            coordinator_keys=coordinator_keys,
            cash_budget=Decimal(300),
            locator="DEMO43",
        ),
        coordinator=coordinator,
    )
    waiting = _approved_case(
        organisation=organisation,
        staff=staff,
        full_name="Second Demo Person (fictional)",
        travellers=1,
    )
    _open_request(case=waiting, coordinator=coordinator, miles=17_500)

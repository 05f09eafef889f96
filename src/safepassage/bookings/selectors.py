"""Reads of allocation and booking: the network's pledges as the allocator sees them, the
open travel requests, a run's review, trips and booking requests.

Nothing returned here puts a donor next to a traveller (SR-32): pledges appear by public id
and program, requests by case code and party size.
"""

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.bookings.cash import CashPosition, Rate, cash_position
from safepassage.bookings.models import (
    AllocationRun,
    BookingMode,
    BookingRequest,
    BookingStatus,
    RunStatus,
    Trip,
    TripStatus,
)
from safepassage.bookings.models.trips import OPEN_BOOKING_STATUSES
from safepassage.cases.models import Case, CaseState
from safepassage.core import allocation as core
from safepassage.core.ledger import PledgeRef
from safepassage.core.money import Money
from safepassage.donations.gifts.selectors import latest_rates
from safepassage.donations.models import (
    BookingForOthers,
    DelegatedBooking,
    ExchangeRate,
    Pledge,
    PledgeStatus,
    Program,
    ProgramKind,
    TransferPartner,
)
from safepassage.donations.pledges.selectors import DelegationRule, get_pledge_delegation_rule
from safepassage.ledger.selectors import get_pledge_balances
from safepassage.organisations.models import Organisation, Partnership
from safepassage.travel.models import TravelOption, TravelRequest, TravelRequestState

if TYPE_CHECKING:
    from safepassage.bookings.refund_selectors import RefundState
    from safepassage.bookings.tokens import DonorLink
    from safepassage.core.crypto import KeyPair
    from safepassage.core.ledger import MoneyOwner

LIVE_BOOKING_STATUSES = (*OPEN_BOOKING_STATUSES, BookingStatus.BOOKED)
"""Booking requests whose miles are set aside or spent (reserved, sent or booked)."""

LIVE_TRIP_STATUSES = (TripStatus.BOOKING, TripStatus.TICKETED)


def pledge_has_tickets_to_fly(*, pledge: Pledge, excluding_trip_pk: int | None = None) -> bool:
    """Whether a booked ticket paid from the pledge has not arrived yet (its donor is still
    owed the impact note), leaving out the trip ``excluding_trip_pk``."""
    tickets = BookingRequest.objects.filter(
        pledge=pledge,
        status=BookingStatus.BOOKED,
        trip__status__in=(TripStatus.BOOKING, TripStatus.TICKETED, TripStatus.DEPARTED),
    )
    if excluding_trip_pk is not None:
        tickets = tickets.exclude(trip_id=excluding_trip_pk)
    return tickets.exists()


# --- the network -----------------------------------------------------------------------


def list_network(*, organisation: Organisation) -> list[Organisation]:
    """``organisation`` and every partner that lists it back (a partnership needs both)."""
    partners = Partnership.objects.filter(organisation=organisation).values_list(
        "partner_id", flat=True
    )
    mutual = Partnership.objects.filter(
        organisation_id__in=list(partners), partner=organisation
    ).values_list("organisation_id", flat=True)
    return [organisation, *Organisation.objects.filter(pk__in=list(mutual)).order_by("pk")]


def list_network_pledges(*, organisations: Iterable[Organisation]) -> QuerySet[Pledge]:
    """Confirmed pledges given to the network: through a campaign or event one of the
    organisations runs or benefits from, or to the general fund (no campaign, no event)."""
    members = list(organisations)
    return (
        Pledge.objects.filter(status=PledgeStatus.CONFIRMED)
        .filter(
            Q(campaign__organisation__in=members)
            | Q(campaign__beneficiaries__in=members)
            | Q(event__organiser__in=members)
            | Q(event__beneficiaries__in=members)
            | Q(campaign__isnull=True, event__isnull=True)
        )
        .select_related("program", "transfer_partner")
        .distinct()
        .order_by("pk")
    )


def list_money_owners(*, organisation: Organisation) -> list["MoneyOwner"]:
    """Whose money pays for an organisation's tickets, in the order it is spent: its
    general fund, then its campaigns in the order they were created."""
    from safepassage.core.ledger import MoneyOwner, OwnerKind
    from safepassage.donations.models import Campaign

    return [MoneyOwner(kind=OwnerKind.FUND, owner_id=str(organisation.public_id))] + [
        MoneyOwner(kind=OwnerKind.CAMPAIGN, owner_id=str(public_id))
        for public_id in Campaign.objects.filter(organisation=organisation)
        .order_by("pk")
        .values_list("public_id", flat=True)
    ]


RATE_MAX_AGE_DAYS = 7
"""How many days old a recorded exchange rate may be and still value real money (a booking's
charge, a run's budget). An older one counts as missing: the charge is refused naming the
currency, the budget leaves it out, rather than paying with a rate the market has left
behind (the currencies this fund meets, RUB and TRY, move by percents in weeks)."""


def get_rates_into(*, currency: str, on: date) -> dict[str, Rate]:
    """The latest recorded rate into ``currency`` on or before ``on``, per currency, when it
    is at most ``RATE_MAX_AGE_DAYS`` old."""
    oldest = on - timedelta(days=RATE_MAX_AGE_DAYS)
    return {
        code: Rate(currency=code, into=currency, rate=row.rate, as_of=row.as_of)
        for code, row in latest_rates(quote_currency=currency, on=on).items()
        if row.as_of >= oldest
    }


def get_cash_positions(
    *, organisation: Organisation, currencies: Iterable[str], on: date
) -> list[CashPosition]:
    """Everything the organisation holds (fund and campaigns, every currency), counted in
    each of ``currencies`` at the latest recorded rates, rounded down: what a run's cash
    budget in that currency can be (``cash.cash_position``)."""
    from safepassage.ledger.selectors import list_cash_balances_of

    by_owner = list_cash_balances_of(owners=list_money_owners(organisation=organisation))
    held = [money for balances in by_owner.values() for money in balances]
    return [
        cash_position(held=held, currency=currency, rates=get_rates_into(currency=currency, on=on))
        for currency in currencies
    ]


@dataclass(frozen=True, slots=True)
class OwnerCash:
    """What one money owner holds, per currency: the general fund (``campaign`` None) or a
    campaign (its title)."""

    campaign: str | None
    held: tuple[Money, ...]


def list_cash_by_owner(*, organisation: Organisation) -> list[OwnerCash]:
    """The general fund and each campaign with what it holds, in the order a charge spends
    them (``list_money_owners``); campaigns holding nothing are left out."""
    from safepassage.core.ledger import OwnerKind
    from safepassage.donations.models import Campaign
    from safepassage.ledger.selectors import list_cash_balances_of

    titles = {
        str(public_id): title
        for public_id, title in Campaign.objects.filter(organisation=organisation).values_list(
            "public_id", "title"
        )
    }
    rows = []
    by_owner = list_cash_balances_of(owners=list_money_owners(organisation=organisation))
    for owner, balances in by_owner.items():
        held = tuple(money for money in balances if money.amount > 0)
        if owner.kind is OwnerKind.FUND:
            rows.append(OwnerCash(campaign=None, held=held))
        elif held:
            rows.append(OwnerCash(campaign=titles.get(owner.owner_id, ""), held=held))
    return rows


def get_available_cash(*, organisation: Organisation, currency: str) -> Decimal:
    """Cash the organisation holds in ``currency``: its fund and its campaigns (ledger)."""
    from safepassage.ledger.selectors import get_cash_balance

    return sum(
        (
            get_cash_balance(owner=owner, currency=currency).amount
            for owner in list_money_owners(organisation=organisation)
        ),
        Decimal(0),
    )


# --- pledges as the allocator sees them ------------------------------------------------


@dataclass(frozen=True, slots=True)
class Conversion:
    """How ledger points of a pledge become miles of the program the allocator sees."""

    program: str
    points_in: int = 1
    miles_out: int = 1

    def miles_for(self, points: int) -> int:
        return points * self.miles_out // self.points_in

    def points_for(self, miles: int) -> int:
        return math.ceil(miles * self.points_in / self.miles_out)


def get_conversion(*, pledge: Pledge) -> Conversion:
    """Bank points count as their chosen airline program's miles (DOMAIN.md)."""
    if pledge.program.kind == ProgramKind.BANK_POINTS and pledge.transfer_partner is not None:
        partner = TransferPartner.objects.filter(
            bank_program=pledge.program, airline_program=pledge.transfer_partner
        ).first()
        if partner is not None and partner.points_in and partner.miles_out:
            return Conversion(
                program=pledge.transfer_partner.code,
                points_in=partner.points_in,
                miles_out=partner.miles_out,
            )
        return Conversion(program=pledge.transfer_partner.code)
    return Conversion(program=pledge.program.code)


def pledge_can_book_for_others(*, pledge: Pledge) -> bool:
    """Whether the pledge's tickets can be booked for a traveller who is not the donor: not
    when the program they are booked in (bank points: the airline program they go to)
    says it "cannot book for others". The pledge form refuses such pledges; this keeps out
    those whose program's rule an admin changed since, and points with no airline."""
    return booked_in_program(pledge=pledge).booking_for_others != BookingForOthers.NOT_ALLOWED


def booked_in_program(*, pledge: Pledge) -> Program:
    """The program the pledge's tickets are booked in: bank points' airline program."""
    if pledge.program.kind == ProgramKind.BANK_POINTS and pledge.transfer_partner is not None:
        return pledge.transfer_partner
    return pledge.program


# --- who books, and for whom ------------------------------------------------------------


class ModeReason(StrEnum):
    """Why a booking request is booked by whom (see :func:`get_booking_mode_rule`)."""

    CASH = "cash"
    PROGRAM_REQUIRES_DONOR = "program_requires_donor"
    RULE_UNKNOWN = "rule_unknown"
    DONOR_NOT_AGREED = "donor_not_agreed"
    DONOR_AGREED = "donor_agreed"


@dataclass(frozen=True, slots=True)
class BookingModeRule:
    """Who the program's rules and the donor's answer let book a request.

    ``mode`` is what a new request gets; ``delegation_allowed`` whether a coordinator may
    book it with the donor's delegated access; ``rule`` the program rule with its source
    (None for cash).
    """

    mode: str
    reason: ModeReason
    rule: DelegationRule | None
    consent: bool

    @property
    def delegation_allowed(self) -> bool:
        return self.reason in (ModeReason.CASH, ModeReason.DONOR_AGREED)


def get_booking_mode_rule(*, pledge: Pledge | None) -> BookingModeRule:
    """Who books tickets paid from ``pledge``: the donor, unless the program allows booking
    with the donor's delegated access AND the donor agreed. Cash tickets: the coordinator.
    Unknown program rules count as "the donor must book"."""
    if pledge is None:
        return BookingModeRule(
            mode=BookingMode.COORDINATOR, reason=ModeReason.CASH, rule=None, consent=False
        )
    rule = get_pledge_delegation_rule(pledge=pledge)
    consent = pledge.delegated_booking_consent
    if rule.rule == DelegatedBooking.DONOR_MUST_BOOK:
        reason = ModeReason.PROGRAM_REQUIRES_DONOR
    elif rule.rule != DelegatedBooking.WITH_CONSENT:
        reason = ModeReason.RULE_UNKNOWN
    elif not consent:
        reason = ModeReason.DONOR_NOT_AGREED
    else:
        reason = ModeReason.DONOR_AGREED
    mode = BookingMode.COORDINATOR if reason == ModeReason.DONOR_AGREED else BookingMode.DONOR
    return BookingModeRule(mode=mode, reason=reason, rule=rule, consent=consent)


@dataclass(frozen=True, slots=True)
class NomineeRule:
    """A program that books awards only for some people: named nominees (at most
    ``limit``, changed only after ``change_wait_days``) or family members."""

    program: Program
    kind: str
    limit: int | None
    change_wait_days: int | None


def get_nominee_rule(*, pledge: Pledge | None) -> NomineeRule | None:
    """The restriction of the program the tickets are booked in (for bank points, the
    airline program they go to), or None when it books for anyone (or for cash)."""
    if pledge is None:
        return None
    program = booked_in_program(pledge=pledge)
    if program.booking_for_others not in (
        BookingForOthers.NAMED_NOMINEES,
        BookingForOthers.FAMILY_ONLY,
    ):
        return None
    return NomineeRule(
        program=program,
        kind=program.booking_for_others,
        limit=program.nominee_limit,
        change_wait_days=program.nominee_change_wait_days,
    )


@dataclass(frozen=True, slots=True)
class PledgeSnapshot:
    """One pledge as a run saw it: the allocator's view and its version."""

    pledge: core.Pledge
    version: str
    available_points: int


def pledge_version(
    *, pledge: Pledge, available_points: int, travellers_used: int, program: str
) -> str:
    """A fingerprint of everything about a pledge the allocator relied on.

    Any change (status, program, expiry, traveller limit, available miles, travellers
    already booked from it) changes the version, so acceptance can tell a stale plan.
    """
    facts = [
        str(pledge.public_id),
        pledge.status,
        program,
        pledge.expires_on.isoformat(),
        pledge.max_travellers,
        available_points,
        travellers_used,
    ]
    return hashlib.sha256(json.dumps(facts).encode()).hexdigest()[:32]


def travellers_used_by_pledge(
    *, pledge_ids: Iterable[int], exclude_run: AllocationRun | None = None
) -> dict[int, int]:
    """Distinct travellers each pledge pays for in live booking requests (per trip)."""
    rows = BookingRequest.objects.filter(
        pledge_id__in=list(pledge_ids), status__in=LIVE_BOOKING_STATUSES
    )
    if exclude_run is not None:
        rows = rows.exclude(run=exclude_run)
    per_trip: dict[tuple[int, int], set[int]] = defaultdict(set)
    for row in rows.only("pledge_id", "trip_id", "traveller_numbers"):
        if row.pledge_id is not None:
            per_trip[(row.pledge_id, row.trip_id)].update(int(n) for n in row.traveller_numbers)
    used: dict[int, int] = defaultdict(int)
    for (pledge_id, _trip), travellers in per_trip.items():
        used[pledge_id] += len(travellers)
    return dict(used)


def snapshot_pledges(*, organisation: Organisation, today: date) -> list[PledgeSnapshot]:
    """The network's usable pledges as ALLOCATION.md pledges, each with its version.

    ``donor`` is the pledge's own public id: the allocator never sees who gave. A pledge
    whose program cannot book awards for others (``pledge_can_book_for_others``) is left out.
    """
    pledges = [
        pledge
        for pledge in list_network_pledges(organisations=list_network(organisation=organisation))
        if pledge.expires_on >= today and pledge_can_book_for_others(pledge=pledge)
    ]
    balances = get_pledge_balances(
        pledges=[PledgeRef(pledge_id=str(p.public_id), program=p.program.code) for p in pledges]
    )
    used = travellers_used_by_pledge(pledge_ids=[p.pk for p in pledges])
    snapshots = []
    for pledge in pledges:
        available = balances[str(pledge.public_id)].available.amount
        conversion = get_conversion(pledge=pledge)
        miles = conversion.miles_for(available)
        travellers_used = used.get(pledge.pk, 0)
        max_travellers = None
        if pledge.max_travellers is not None:
            max_travellers = pledge.max_travellers - travellers_used
        if miles <= 0 or (max_travellers is not None and max_travellers <= 0):
            continue
        snapshots.append(
            PledgeSnapshot(
                pledge=core.Pledge(
                    id=str(pledge.public_id),
                    donor=str(pledge.public_id),
                    program=conversion.program,
                    miles=miles,
                    expires=pledge.expires_on,
                    max_travellers=max_travellers,
                ),
                version=pledge_version(
                    pledge=pledge,
                    available_points=available,
                    travellers_used=travellers_used,
                    program=conversion.program,
                ),
                available_points=available,
            )
        )
    return snapshots


def current_pledge_version(*, pledge: Pledge, run: AllocationRun) -> str:
    """The pledge's version now, as ``run`` would see it: miles and travellers that this
    run's own accepted requests took since are counted back, so accepting a plan request
    by request does not make its own later requests look stale."""
    ref = PledgeRef(pledge_id=str(pledge.public_id), program=pledge.program.code)
    available = get_pledge_balances(pledges=[ref])[ref.pledge_id].available.amount
    reserved_by_run = sum(
        row.ledger_points
        for row in BookingRequest.objects.filter(
            pledge=pledge,
            run=run,
            status__in=LIVE_BOOKING_STATUSES,
        ).only("ledger_points")
    )
    used = travellers_used_by_pledge(pledge_ids=[pledge.pk], exclude_run=run).get(pledge.pk, 0)
    return pledge_version(
        pledge=pledge,
        available_points=available + reserved_by_run,
        travellers_used=used,
        program=get_conversion(pledge=pledge).program,
    )


# --- travel requests as the allocator sees them ----------------------------------------


@dataclass(frozen=True, slots=True)
class Demand:
    """One request for the allocator, and what acceptance needs to know about it.

    ``info`` is stored in the run's request snapshot: ids, case code and party size only.
    """

    request: core.TravelRequest | None
    info: dict[str, object] = field(default_factory=dict)


TAXES_UNKNOWN = "taxes_unknown"
"""Key of a request's snapshot info: the (fare, program) prices whose taxes no sourced row
or quote gave. The allocator received only their known part."""


def _priority(case: Case) -> float:
    return float(case.priority)


def _in_run_currency(
    *, amount: Decimal, from_currency: str, currency: str, rates: Mapping[str, ExchangeRate]
) -> Decimal | None:
    """``amount`` in the run's ``currency`` with the latest recorded rate, rounded UP to the
    minor unit so the cash a plan needs is never understated; ``None`` when no rate is
    recorded (never guessed). Zero needs no rate."""
    if from_currency == currency or amount == 0:
        return amount
    rate = rates.get(from_currency)
    if rate is None:
        return None
    minor_units = Money.zero(currency=currency).minor_units
    return (amount * rate.rate).quantize(Decimal(1).scaleb(-minor_units), rounding=ROUND_CEILING)


def _travel_demand(
    *, request: TravelRequest, currency: str, rates: Mapping[str, ExchangeRate]
) -> Demand:
    options = []
    missing: set[str] = set()
    unknown: list[dict[str, str]] = []
    for option in request.options.all():
        fares = []
        fare_unknown: list[dict[str, str]] = []
        for fare in option.fares.all():
            miles = {}
            taxes = {}
            for price in fare.prices.all():
                if not price.miles:
                    continue
                tax = _in_run_currency(
                    amount=price.taxes, from_currency=price.currency, currency=currency, rates=rates
                )
                if tax is None:
                    missing.add(price.currency)
                    continue
                miles[price.program.code] = price.miles
                taxes[price.program.code] = tax
                if not price.taxes_known:
                    fare_unknown.append(
                        {"fare": str(fare.public_id), "program": price.program.code}
                    )
            cash_price = None
            if fare.cash_price is not None and fare.cash_currency:
                cash_price = _in_run_currency(
                    amount=fare.cash_price,
                    from_currency=fare.cash_currency,
                    currency=currency,
                    rates=rates,
                )
                if cash_price is None:
                    missing.add(fare.cash_currency)
            if not miles and cash_price is None:
                break
            fares.append(
                core.Fare(id=str(fare.public_id), miles=miles, taxes=taxes, cash_price=cash_price)
            )
        else:
            if fares:
                options.append(core.RouteOption(id=str(option.public_id), fares=tuple(fares)))
                unknown += fare_unknown
    info: dict[str, object] = {
        "kind": "travel",
        "case": str(request.case.public_id),
        "case_code": request.case.code,
        "travellers": request.party_size,
    }
    if missing:  # prices left out: the review says which rate is missing
        info["missing_rates"] = sorted(missing)
    if unknown:  # the allocator counts only the known part: the review says so
        info[TAXES_UNKNOWN] = unknown
    if not options:
        return Demand(request=None, info=info | {"excluded": "no_priced_option"})
    return Demand(
        request=core.TravelRequest(
            id=str(request.public_id),
            travellers=request.party_size,
            priority=_priority(request.case),
            options=tuple(options),
        ),
        info=info,
    )


def _stored_fare(run: AllocationRun, fare_ref: str) -> core.Fare | None:
    from safepassage.bookings.documents import load_problem  # cycle-free

    for request in load_problem(run.problem).requests:
        for option in request.options:
            for fare in option.fares:
                if fare.id == fare_ref:
                    return fare
    return None


def _rebook_demand(
    *, booking: BookingRequest, currency: str, rates: Mapping[str, ExchangeRate]
) -> Demand:
    trip = booking.trip
    info: dict[str, object] = {
        "kind": "rebook",
        "case": str(trip.case.public_id),
        "case_code": trip.case.code,
        "travellers": len(booking.traveller_numbers),
        "trip": str(trip.public_id),
        "booking_request": str(booking.public_id),
        "fare_ref": booking.fare_ref,
        "traveller_numbers": list(booking.traveller_numbers),
    }
    fare = _stored_fare(booking.run, booking.fare_ref)
    if fare is None:
        return Demand(request=None, info=info | {"excluded": "fare_unknown"})
    if booking.run.currency != currency:  # the earlier run priced it in its own currency
        fare = _fare_in_currency(
            fare=fare, from_currency=booking.run.currency, currency=currency, rates=rates
        )
        if fare is None:
            return Demand(
                request=None,
                info=info
                | {"excluded": "no_priced_option", "missing_rates": [booking.run.currency]},
            )
    request_id = f"rebook-{booking.public_id}"
    earlier = booking.run.request_snapshot.get(booking.request_ref, {})
    unknown = [
        {"fare": f"{request_id}-fare", "program": str(entry["program"])}
        for entry in earlier.get(TAXES_UNKNOWN, [])
        if entry.get("fare") == booking.fare_ref
    ]
    if unknown:
        info[TAXES_UNKNOWN] = unknown
    return Demand(
        request=core.TravelRequest(
            id=request_id,
            travellers=len(booking.traveller_numbers),
            priority=_priority(trip.case),
            options=(
                core.RouteOption(
                    id=f"{request_id}-option",
                    fares=(
                        core.Fare(
                            id=f"{request_id}-fare",
                            miles=fare.miles,
                            taxes=fare.taxes,
                            cash_price=fare.cash_price,
                        ),
                    ),
                ),
            ),
        ),
        info=info,
    )


def _fare_in_currency(
    *, fare: core.Fare, from_currency: str, currency: str, rates: Mapping[str, ExchangeRate]
) -> core.Fare | None:
    """A stored fare (taxes and cash price in ``from_currency``) in ``currency``, rounded
    up like every price; None when a non-zero amount has no recorded rate."""
    taxes = {}
    for program, tax in fare.taxes.items():
        converted = _in_run_currency(
            amount=tax, from_currency=from_currency, currency=currency, rates=rates
        )
        if converted is None:
            return None
        taxes[program] = converted
    cash_price = None
    if fare.cash_price is not None:
        cash_price = _in_run_currency(
            amount=fare.cash_price, from_currency=from_currency, currency=currency, rates=rates
        )
        if cash_price is None:
            return None
    return core.Fare(id=fare.id, miles=fare.miles, taxes=taxes, cash_price=cash_price)


def _open_travel_requests(
    *, organisation: Organisation, window_passed: bool = False
) -> QuerySet[TravelRequest]:
    """Travel requests open for allocation: of cases in "travel planned", no live trip, and
    a latest departure today or later (with ``window_passed``: the open ones whose latest
    departure has passed, which no run takes: nobody can fly on a day gone by)."""
    live = Trip.objects.filter(status__in=LIVE_TRIP_STATUSES).values_list("request_ref", flat=True)
    today = timezone.localdate()
    window = {"latest_departure__lt" if window_passed else "latest_departure__gte": today}
    return TravelRequest.objects.filter(
        state=TravelRequestState.OPEN,
        case__organisation=organisation,
        case__state=CaseState.TRAVEL_PLANNED,
        **window,
    ).exclude(public_id__in=list(live))


def count_requests_past_window(*, organisation: Organisation) -> int:
    """How many open travel requests runs leave out because their latest departure has
    passed (the coordinator changes the dates or withdraws the request)."""
    return _open_travel_requests(organisation=organisation, window_passed=True).count()


def count_options_with_unknown_taxes(*, organisation: Organisation) -> int:
    """How many route options of the open travel requests a run would take have a fare
    whose taxes are not known (a program's price with miles but no sourced taxes row and no
    quote): the allocator would count only their known part."""
    return (
        TravelOption.objects.filter(
            request__in=_open_travel_requests(organisation=organisation),
            fares__prices__miles__gt=0,
            fares__prices__taxes_known=False,
        )
        .distinct()
        .count()
    )


def list_open_demand(*, organisation: Organisation, currency: str) -> dict[str, Demand]:
    """Every open request of ``organisation``'s cases, by allocator request id:

    - travel requests open for allocation, of cases in "travel planned", with no live trip;
    - declined or cancelled booking requests of live trips, not yet replaced, of cases still
      in "travel planned" (the tickets go back into the next allocation; a case withdrawn or
      closed since has no one left to fly).
    """
    requests = (
        _open_travel_requests(organisation=organisation)
        .select_related("case")
        .prefetch_related("options__fares__prices__program")
        .order_by("pk")
    )
    rates = latest_rates(quote_currency=currency, on=timezone.localdate())
    demand = {
        str(request.public_id): _travel_demand(request=request, currency=currency, rates=rates)
        for request in requests
    }
    rebooks = (
        BookingRequest.objects.filter(
            status__in=[BookingStatus.DECLINED, BookingStatus.CANCELLED],
            replacement__isnull=True,
            trip__organisation=organisation,
            trip__status__in=LIVE_TRIP_STATUSES,
            trip__case__state=CaseState.TRAVEL_PLANNED,
        )
        .select_related("trip__case", "run")
        .order_by("pk")
    )
    for booking in rebooks:
        demand[f"rebook-{booking.public_id}"] = _rebook_demand(
            booking=booking, currency=currency, rates=rates
        )
    return demand


# --- runs and their review -------------------------------------------------------------


STALE_RUN_MARGIN = timedelta(minutes=5)
"""How long past its time limit a run may still be "running" before its worker counts as
dead (loading the problem and writing the plan take time too)."""


def run_is_stale(*, run: AllocationRun, now: datetime) -> bool:
    """Whether ``run`` is still "running" long after its time limit: its worker died."""
    if run.status != RunStatus.RUNNING or run.running_since is None:
        return False
    return now > run.running_since + timedelta(seconds=run.time_limit_seconds) + STALE_RUN_MARGIN


def list_stale_runs(*, organisation: Organisation | None, now: datetime) -> list[AllocationRun]:
    """Runs (of ``organisation``, or of all when None) whose worker died."""
    running = AllocationRun.objects.filter(status=RunStatus.RUNNING)
    if organisation is not None:
        running = running.filter(organisation=organisation)
    return [
        run
        for run in running.only(
            "pk", "public_id", "organisation", "status", "running_since", "time_limit_seconds"
        )
        .select_related("organisation")
        .order_by("pk")
        if run_is_stale(run=run, now=now)
    ]


QUEUED_NOTICE_AFTER = timedelta(minutes=2)
"""How long a run may wait for a worker before its page says that none is taking it."""


def run_waits_for_worker(*, run: AllocationRun, now: datetime) -> bool:
    """Whether ``run`` has been queued for longer than ``QUEUED_NOTICE_AFTER`` without a
    worker taking it (most likely none is running)."""
    return (
        run.status == RunStatus.QUEUED
        and run.queued_since is not None
        and now - run.queued_since > QUEUED_NOTICE_AFTER
    )


def stale_run_ids(*, runs: Iterable[AllocationRun], now: datetime) -> set[int]:
    """Primary keys of ``runs`` whose worker died (for the runs list)."""
    return {run.pk for run in runs if run_is_stale(run=run, now=now)}


def waiting_run_ids(*, runs: Iterable[AllocationRun], now: datetime) -> set[int]:
    """Primary keys of ``runs`` no worker has taken for too long (for the runs list)."""
    return {run.pk for run in runs if run_waits_for_worker(run=run, now=now)}


RUN_LIST_FIELDS = (
    "public_id",
    "started_on",
    "status",
    "time_limit_seconds",
    "running_since",
    "queued_since",
    "travellers_served",
)
"""What the runs list shows (and needs to tell a dead worker's run): never the problem,
plan or snapshot documents, which can be megabytes per run."""


def list_runs(*, organisation: Organisation) -> QuerySet[AllocationRun]:
    return (
        AllocationRun.objects.filter(organisation=organisation)
        .only(*RUN_LIST_FIELDS)
        .order_by("-pk")
    )


@dataclass(frozen=True, slots=True)
class ReviewTicket:
    """One fare of a served request paid from one pledge (or cash): no donor, no name."""

    fare: str
    travellers: int
    pledge: str | None
    program: str
    miles: int
    cash: Decimal
    taxes_known: bool = True
    """False: ``cash`` holds only the known part of the taxes ("at least" on the page)."""


@dataclass(frozen=True, slots=True)
class ReviewRequest:
    request_id: str
    case_code: str
    travellers: int
    kind: str
    tickets: tuple[ReviewTicket, ...]
    cash: Decimal
    miles: int
    accepted: bool

    @property
    def taxes_known(self) -> bool:
        return all(ticket.taxes_known for ticket in self.tickets)

    @property
    def tickets_with_unknown_taxes(self) -> tuple[ReviewTicket, ...]:
        return tuple(ticket for ticket in self.tickets if not ticket.taxes_known)


@dataclass(frozen=True, slots=True)
class UnservedRequest:
    request_id: str
    case_code: str
    travellers: int
    reason: str


@dataclass(frozen=True, slots=True)
class RateWarning:
    """Prices of a request left out of the run: no rate from their currency was recorded."""

    case_code: str
    from_currency: str
    to_currency: str


@dataclass(frozen=True, slots=True)
class RunReview:
    """What a coordinator reviews before accepting: who flies, which pledge pays which
    ticket, cash needed, miles used, and what stays unserved and why."""

    served: tuple[ReviewRequest, ...]
    unserved: tuple[UnservedRequest, ...]
    cash: Decimal
    miles: int
    travellers: int
    status: str
    bound: float
    warnings: tuple[RateWarning, ...] = ()

    @property
    def taxes_known(self) -> bool:
        """False when a ticket of the plan has taxes not known: ``cash`` is then a floor."""
        return all(request.taxes_known for request in self.served)

    @property
    def with_unknown_taxes(self) -> tuple[ReviewRequest, ...]:
        """Served requests with a ticket whose taxes must be quoted before booking."""
        return tuple(request for request in self.served if not request.taxes_known)


UNSERVED_NO_PAYER = "no_payer"
UNSERVED_OUTBID = "outbid"
UNSERVED_NO_OPTION = "no_priced_option"
UNSERVED_FARE_UNKNOWN = "fare_unknown"


def _payable_alone(request: core.TravelRequest, problem: core.Problem) -> bool:
    """Could some option be paid if this request had every pledge and the budget alone?"""
    for option in request.options:
        cash = Decimal(0)
        payable = True
        for fare in option.fares:
            pledge_ok = any(
                pledge.program in fare.miles
                and pledge.miles >= fare.miles[pledge.program]
                and pledge.is_usable_on(problem.as_of)
                for pledge in problem.pledges
            )
            if pledge_ok:
                cash += min(
                    fare.tax_for(p.program) for p in problem.pledges if p.program in fare.miles
                )
            elif fare.cash_price is not None:
                cash += fare.cash_price
            else:
                payable = False
        if payable and cash <= problem.cash_budget:
            return True
    return False


def get_run_review(*, run: AllocationRun) -> RunReview | None:
    """The run's plan for review (None until it is ready)."""
    from safepassage.bookings.documents import load_plan, load_problem

    if run.plan is None:
        return None
    plan = load_plan(run.plan)
    problem = load_problem(run.problem)
    programs = {pledge.id: pledge.program for pledge in problem.pledges}
    accepted = set(
        BookingRequest.objects.filter(run=run).values_list("request_ref", flat=True).distinct()
    )
    served = []
    for item in plan.served:
        info = run.request_snapshot.get(item.request, {})
        unknown = {
            (str(entry.get("fare")), str(entry.get("program")))
            for entry in info.get(TAXES_UNKNOWN, [])
        }
        grouped: dict[tuple[str, str | None], list[core.Ticket]] = defaultdict(list)
        for ticket in item.tickets:
            grouped[(ticket.fare, ticket.pledge)].append(ticket)
        tickets = tuple(
            ReviewTicket(
                fare=fare,
                travellers=len(group),
                pledge=pledge,
                program=programs.get(pledge, "") if pledge else "",
                miles=sum(t.miles for t in group),
                cash=sum((t.cash for t in group), Decimal(0)),
                taxes_known=pledge is None or (fare, programs.get(pledge, "")) not in unknown,
            )
            for (fare, pledge), group in grouped.items()
        )
        served.append(
            ReviewRequest(
                request_id=item.request,
                case_code=str(info.get("case_code", "")),
                travellers=int(info.get("travellers", 0)),
                kind=str(info.get("kind", "travel")),
                tickets=tickets,
                cash=sum((t.cash for t in tickets), Decimal(0)),
                miles=sum(t.miles for t in tickets),
                accepted=item.request in accepted,
            )
        )
    served_ids = {item.request for item in plan.served}
    unserved = [
        UnservedRequest(
            request_id=request.id,
            case_code=str(run.request_snapshot.get(request.id, {}).get("case_code", "")),
            travellers=request.travellers,
            reason=UNSERVED_OUTBID if _payable_alone(request, problem) else UNSERVED_NO_PAYER,
        )
        for request in problem.requests
        if request.id not in served_ids
    ]
    unserved += [
        UnservedRequest(
            request_id=request_id,
            case_code=str(info.get("case_code", "")),
            travellers=int(info.get("travellers", 0)),
            reason=str(info["excluded"]),
        )
        for request_id, info in run.request_snapshot.items()
        if "excluded" in info
    ]
    return RunReview(
        served=tuple(served),
        unserved=tuple(unserved),
        cash=plan.totals.cash,
        miles=plan.totals.miles,
        travellers=plan.totals.travellers,
        status=plan.status.value,
        bound=plan.bound_weighted_travellers,
        warnings=tuple(
            RateWarning(
                case_code=str(info.get("case_code", "")),
                from_currency=str(from_currency),
                to_currency=run.currency,
            )
            for info in run.request_snapshot.values()
            for from_currency in info.get("missing_rates", [])
        ),
    )


# --- trips and booking requests --------------------------------------------------------


def list_trips(*, organisation: Organisation, user: User) -> QuerySet[Trip]:
    """The organisation's trips on cases ``user`` works on (the only ones they can open),
    each with ``left_behind``: its booking requests still holding miles when the trip is
    live and its case no longer travels (see :func:`count_tickets_left_behind`)."""
    holding = Q(
        booking_requests__status__in=LIVE_BOOKING_STATUSES,
        status__in=LIVE_TRIP_STATUSES,
        case__state__in=CASE_LEFT_TRAVEL_STATES,
    )
    return (
        Trip.objects.filter(organisation=organisation, case__members__user=user)
        .select_related("case")
        .annotate(left_behind=Count("booking_requests", filter=holding, distinct=True))
        .order_by("-pk")
    )


CASE_LEFT_TRAVEL_STATES = (CaseState.DECLINED, CaseState.WITHDRAWN, CaseState.CLOSED)
"""Case states in which nobody of the case travels any more."""


def count_tickets_left_behind(*, trip: Trip) -> int:
    """How many booking requests of a live ``trip`` still hold miles (reserved, or redeemed
    for a booked ticket) although its case no longer travels (declined, withdrawn, closed):
    they stay until a coordinator cancels them, so the trip page asks for it."""
    if trip.status not in LIVE_TRIP_STATUSES or trip.case.state not in CASE_LEFT_TRAVEL_STATES:
        return 0
    return trip.booking_requests.filter(status__in=LIVE_BOOKING_STATUSES).count()


def list_trip_booking_requests(*, trip: Trip) -> QuerySet[BookingRequest]:
    return trip.booking_requests.select_related(
        "pledge__program", "pledge__transfer_partner"
    ).order_by("pk")


def trip_is_fully_booked(*, trip: Trip) -> bool:
    """Every ticket of the trip booked: no open request and no ticket waiting to be
    allocated again."""
    requests = list(trip.booking_requests.all())
    if not requests:
        return False
    if any(r.is_open for r in requests):
        return False
    waiting = [
        r
        for r in requests
        if r.status in (BookingStatus.DECLINED, BookingStatus.CANCELLED) and r.replacement is None
    ]
    return not waiting and any(r.status == BookingStatus.BOOKED for r in requests)


def case_travel_is_ticketed(*, case: Case) -> bool:
    """Every party of ``case`` holds its tickets: each of its travel requests open for
    allocation has a live trip, and every live trip of the case is ticketed (all its
    tickets booked). Only then is the case "ticketed"; until then its other requests still
    wait for an allocation, which takes only cases in "travel planned"."""
    live = list(
        Trip.objects.filter(case=case, status__in=LIVE_TRIP_STATUSES).values_list(
            "request_ref", "status"
        )
    )
    if not live or any(status != TripStatus.TICKETED for _, status in live):
        return False
    return (
        not TravelRequest.objects.filter(case=case, state=TravelRequestState.OPEN)
        .exclude(public_id__in=[request_ref for request_ref, _ in live])
        .exists()
    )


# --- sealed contents -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BookingRow:
    """A booking request as the trip page shows it; ``record`` only for key holders;
    ``mode_rule`` why it is booked by whom, ``nominee_rule`` for whom its program books."""

    booking: BookingRequest
    record: dict[str, str] | None
    mode_rule: BookingModeRule | None = None
    nominee_rule: NomineeRule | None = None
    refund: "RefundState | None" = None  # a cancelled booking that paid cash

    @property
    def mode_against_rules(self) -> bool:
        """Taken over by the coordinator although the rules (now) say the donor books."""
        return (
            self.booking.mode == BookingMode.COORDINATOR
            and self.mode_rule is not None
            and not self.mode_rule.delegation_allowed
        )


@dataclass(frozen=True, slots=True)
class TripContents:
    """A trip for its page. ``readable`` is False when the reader holds no travel key;
    ``passengers`` is None until they are entered (or when unreadable)."""

    readable: bool
    passengers: dict[str, object] | None
    bookings: tuple[BookingRow, ...]


def _row(booking: BookingRequest, record: dict[str, str] | None) -> BookingRow:
    from safepassage.bookings.refund_selectors import get_refund_state

    paid_cash = booking.status == BookingStatus.CANCELLED and bool(booking.cash_paid)
    return BookingRow(
        booking=booking,
        record=record,
        mode_rule=get_booking_mode_rule(pledge=booking.pledge),
        nominee_rule=get_nominee_rule(pledge=booking.pledge),
        refund=get_refund_state(booking=booking) if paid_cash else None,
    )


def read_trip(*, trip: Trip, user: User, key_pair: "KeyPair | None") -> TripContents:
    """Open the trip's passengers and booking records with the reader's travel key."""
    from safepassage.bookings import sealing
    from safepassage.cases.errors import NoCaseKey
    from safepassage.cases.sealing import unwrap_user_group_key
    from safepassage.core.crypto import CryptoError, SensitiveGroup

    requests = list(list_trip_booking_requests(trip=trip))
    key = None
    if key_pair is not None:
        try:
            key = unwrap_user_group_key(
                case=trip.case, user=user, key_pair=key_pair, group=SensitiveGroup.TRAVEL_PASSENGER
            )
        except NoCaseKey:
            key = None
    if key is None:
        return TripContents(
            readable=False,
            passengers=None,
            bookings=tuple(_row(r, None) for r in requests),
        )
    passengers = None
    if trip.passengers:
        passengers = sealing.open_trip_passengers(
            key=key, trip_id=trip.public_id, envelope=bytes(trip.passengers)
        )
    record_keys = sealing.open_record_key_pair(
        key=key,
        trip_id=trip.public_id,
        public=bytes(trip.record_public_key),
        sealed=bytes(trip.record_private_key),
    )
    rows = []
    for request in requests:
        record = None
        if request.booking_record:
            try:
                record = sealing.open_booking_record(
                    private_key=record_keys.private_key,
                    booking_id=request.public_id,
                    envelope=bytes(request.booking_record),
                )
            except CryptoError:
                record = None
        rows.append(_row(request, record))
    return TripContents(readable=True, passengers=passengers, bookings=tuple(rows))


def read_donor_passengers(
    *, booking: BookingRequest, link: "DonorLink"
) -> dict[str, object] | None:
    """The passengers of one booking request, opened with the key from the donor's link."""
    from safepassage.bookings import sealing
    from safepassage.core.crypto import CryptoError

    if not booking.donor_passengers:
        return None
    try:
        return sealing.open_donor_passengers(
            link_key=link.link_key,
            booking_id=booking.public_id,
            version=link.version,
            envelope=bytes(booking.donor_passengers),
        )
    except CryptoError:
        return None

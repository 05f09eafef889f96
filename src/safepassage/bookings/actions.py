"""Every write of allocation and booking. Each ``do_*`` runs in one transaction with its
ledger postings and audit events; e-mails go out only after commit.

Lock order: pledge rows (``donations.pledges.lock_objects``, primary-key order), then
booking rows, then ledger owners, then the audit head. Audit events and ledger references
carry public ids only (SR-30); nothing written here puts a donor next to a traveller.

E-mails that carry a link key or a one-time code are sent from ``transaction.on_commit``
directly, not through the task queue, so neither secret ever rests in the database.
"""

import logging
import secrets
import smtplib
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext

from safepassage.accounts.models import User
from safepassage.audit.actions import record_audit_event
from safepassage.bookings import cash, sealing
from safepassage.bookings.documents import load_plan, load_problem, problem_to_document
from safepassage.bookings.errors import (
    BookingNotBooked,
    BookingNotOpen,
    BookingsError,
    BudgetAboveCash,
    CodeEmailNotSent,
    CodeInvalid,
    CodeRecentlySent,
    LinkExhausted,
    NoCaseKey,
    NoDonorAddress,
    NoOrganisationKeys,
    NothingToAllocate,
    PassengersMissing,
    PledgeChanged,
    RequestAlreadyAccepted,
    RequestChanged,
    RequestEmailNotSent,
    RequestNoLongerOpen,
    RequestNotInPlan,
    RunNotFinished,
    RunNotQueued,
    TooManyMilesCharged,
    TripNotReady,
    delegation_refusal,
)
from safepassage.bookings.lock_objects import lock_booking_request, lock_trip
from safepassage.bookings.models import (
    AllocationRun,
    BookingMode,
    BookingRequest,
    BookingStatus,
    CashRefund,
    RunStatus,
    Trip,
    TripStatus,
)
from safepassage.bookings.models.trips import OPEN_BOOKING_STATUSES
from safepassage.bookings.selectors import (
    LIVE_TRIP_STATUSES,
    case_travel_is_ticketed,
    current_pledge_version,
    get_booking_mode_rule,
    get_cash_positions,
    get_conversion,
    get_rates_into,
    list_money_owners,
    list_network,
    list_network_pledges,
    list_open_demand,
    list_stale_runs,
    pledge_can_book_for_others,
    pledge_has_tickets_to_fly,
    snapshot_pledges,
    trip_is_fully_booked,
)
from safepassage.bookings.tokens import make_donor_token
from safepassage.cases import errors as case_errors
from safepassage.cases.actions import do_system_transition, do_transition_case
from safepassage.cases.lock_objects import lock_case
from safepassage.cases.models import Case, CaseState
from safepassage.cases.sealing import unwrap_user_group_key
from safepassage.core import allocation as core
from safepassage.core.case_workflow import ReasonCode
from safepassage.core.crypto import GroupKey, KeyPair, PublicKey, SensitiveGroup
from safepassage.core.ledger import InsufficientBalanceError, OwnerKind, PledgeRef
from safepassage.core.money import CURRENCY_MINOR_UNITS, Miles, Money
from safepassage.donations.models import Pledge, PledgeStatus
from safepassage.donations.pledges import sealing as pledge_sealing
from safepassage.donations.pledges import tasks as pledge_tasks
from safepassage.donations.pledges.actions import (
    do_forget_donor_when_done,
    forget_donor_when_done,
)
from safepassage.donations.pledges.lock_objects import lock_pledge, lock_pledges
from safepassage.ledger import actions as ledger
from safepassage.ledger.lock_objects import lock_ledger_owners
from safepassage.ledger.selectors import list_cash_balances
from safepassage.organisations.models import Organisation
from safepassage.site.numbers import grouped_number
from safepassage.travel.models import FarePrice, TravelOption, TravelRequest, TravelRequestState

CODE_LIFETIME = timedelta(minutes=15)
CODE_RESEND_INTERVAL = timedelta(minutes=1)
# Per link version, not per code (asking for a new code buys no new guesses): at most
# MAX_CODE_ATTEMPTS wrong codes in all, i.e. 10 in a million for the life of the link.
MAX_CODE_ATTEMPTS = 10
MAX_CODES_PER_LINK = 5
DONOR_SESSION_LIFETIME = timedelta(minutes=30)
MAX_TIME_LIMIT = 600

logger = logging.getLogger(__name__)


def _actor(user: User) -> str:
    return str(user.public_id)


def _audit(
    *, actor_ref: str, action: str, object_type: str, object_ref: object, organisation: Organisation
) -> None:
    record_audit_event(
        actor_ref=actor_ref,
        action=action,
        object_type=object_type,
        object_ref=str(object_ref),
        organisation_ref=str(organisation.public_id),
    )


def _travel_key(*, case: Case, user: User, key_pair: KeyPair) -> GroupKey:
    try:
        return unwrap_user_group_key(
            case=case, user=user, key_pair=key_pair, group=SensitiveGroup.TRAVEL_PASSENGER
        )
    except case_errors.NoCaseKey:
        raise NoCaseKey from None


def _pledge_ref(pledge: Pledge) -> PledgeRef:
    return PledgeRef(pledge_id=str(pledge.public_id), program=pledge.program.code)


# --- allocation runs -------------------------------------------------------------------


def check_start_run(*, organisation: Organisation, cash_budget: Decimal, currency: str) -> None:
    """``BudgetAboveCash`` when the budget is more than the organisation's fund and
    campaigns hold, counted in the run's currency at the recorded rates as the runs page
    shows it (rounded down; a currency without a recent rate counts nothing, decision 0021):
    the allocator would otherwise plan taxes and cash tickets no one can pay."""
    position = get_cash_positions(
        organisation=organisation, currencies=[currency], on=timezone.localdate()
    )[0]
    if cash_budget > position.total.amount:
        raise BudgetAboveCash(
            available=str(
                position.total.amount.quantize(Decimal(1).scaleb(-CURRENCY_MINOR_UNITS[currency]))
            ),
            currency=currency,
            missing=position.missing_rates,
        )


def do_start_run(
    *,
    actor: User,
    organisation: Organisation,
    cash_budget: Decimal,
    currency: str,
    time_limit_seconds: int,
) -> AllocationRun:
    """Snapshot the network's pledges and the open requests, store the run and queue the
    allocator in the background. ``NothingToAllocate`` when no request is open,
    ``BudgetAboveCash`` when the budget is more than the organisation holds."""
    check_start_run(organisation=organisation, cash_budget=cash_budget, currency=currency)
    do_fail_stale_runs(organisation=organisation)
    today = timezone.localdate()
    pledges = snapshot_pledges(organisation=organisation, today=today)
    demand = list_open_demand(organisation=organisation, currency=currency)
    requests = tuple(item.request for item in demand.values() if item.request is not None)
    if not demand:
        raise NothingToAllocate
    problem = core.Problem(
        as_of=today,
        currency=currency,
        cash_budget=cash_budget,
        pledges=tuple(snapshot.pledge for snapshot in pledges),
        requests=requests,
    )
    with transaction.atomic():
        run = AllocationRun.objects.create(
            organisation=organisation,
            started_by=actor,
            started_on=today,
            time_limit_seconds=max(1, min(time_limit_seconds, MAX_TIME_LIMIT)),
            queued_since=timezone.now(),
            currency=currency,
            cash_budget=cash_budget,
            problem=problem_to_document(problem),
            pledge_snapshot={
                snapshot.pledge.id: {
                    "version": snapshot.version,
                    "available_points": snapshot.available_points,
                }
                for snapshot in pledges
            },
            request_snapshot={request_id: item.info for request_id, item in demand.items()},
        )
        _audit(
            actor_ref=_actor(actor),
            action="allocation.run_started",
            object_type="allocation_run",
            object_ref=run.public_id,
            organisation=organisation,
        )
        from safepassage.bookings import tasks  # tasks import actions

        transaction.on_commit(partial(tasks.run_allocation.enqueue, run_id=str(run.public_id)))
    return run


def do_solve_run(*, run_id: uuid.UUID) -> AllocationRun:
    """Run the allocator for a queued run, storing its progress as it goes (idempotent:
    a run that is no longer queued is returned unchanged).

    Whatever goes wrong while solving (an allocation error or any other exception) marks
    the run failed with a code, never leaving it "running"; the log names the run and the
    kind of error only, never the problem's contents."""
    with transaction.atomic():
        run = AllocationRun.objects.select_for_update().get(public_id=run_id)
        if run.status != RunStatus.QUEUED:
            return run
        run.status = RunStatus.RUNNING
        run.phase = "starting"
        run.running_since = timezone.now()
        run.queued_since = None
        run.save(update_fields=["status", "phase", "running_since", "queued_since"])
    try:
        problem = load_problem(run.problem)
        plan = core.solve(
            problem,
            time_limit=float(run.time_limit_seconds),
            progress=_progress_writer(run.pk),
        )
        from safepassage.bookings.documents import plan_to_document

        with transaction.atomic():
            finished = AllocationRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
                status=RunStatus.DONE,
                running_since=None,
                phase="done",
                plan=plan_to_document(plan),
                travellers_served=plan.totals.travellers,
                incumbent=plan.totals.weighted_travellers,
                bound=plan.bound_weighted_travellers,
                gap=_gap(plan.totals.weighted_travellers, plan.bound_weighted_travellers),
            )
            if finished:  # a run already marked stale stays failed
                _audit(
                    actor_ref="system",
                    action="allocation.run_finished",
                    object_type="allocation_run",
                    object_ref=run.public_id,
                    organisation=run.organisation,
                )
    except core.AllocationError as error:
        _fail_run(run=run, error_code=error.code)
    except Exception as error:  # any failure must end the run, never leave it running
        logger.error(  # the kind of error only: its message may carry the problem's values
            "allocation run %s failed: %s", run.public_id, type(error).__name__
        )
        _fail_run(run=run, error_code=INTERNAL_ERROR)
    run.refresh_from_db()
    return run


INTERNAL_ERROR = "internal_error"
"""Error code of a run whose solve raised something other than an allocation error."""

WORKER_LOST = "worker_lost"
"""Error code of a run still "running" long after its time limit: its worker died."""


def _fail_run(*, run: AllocationRun, error_code: str) -> None:
    with transaction.atomic():
        failed = AllocationRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED, error_code=error_code[:64], running_since=None
        )
        if not failed:
            return
        _audit(
            actor_ref="system",
            action="allocation.run_failed",
            object_type="allocation_run",
            object_ref=run.public_id,
            organisation=run.organisation,
        )


def do_fail_stale_runs(*, organisation: Organisation | None, now: datetime | None = None) -> int:
    """Mark failed the runs (of ``organisation``, or of every organisation when None) still
    "running" past their time limit plus a margin: their worker died or stopped making
    progress. Returns how many. A late worker finishing one of them afterwards writes
    nothing (it only finishes a run still running). Run when a run starts and by the
    scheduler (``tasks.fail_stalled_runs``)."""
    failed = 0
    for run in list_stale_runs(organisation=organisation, now=now or timezone.now()):
        with transaction.atomic():
            updated = AllocationRun.objects.filter(
                pk=run.pk, status=RunStatus.RUNNING, running_since=run.running_since
            ).update(status=RunStatus.FAILED, error_code=WORKER_LOST, running_since=None)
            if updated:
                failed += 1
                _audit(
                    actor_ref="system",
                    action="allocation.run_failed",
                    object_type="allocation_run",
                    object_ref=run.public_id,
                    organisation=run.organisation,
                )
    return failed


def check_cancel_run(*, run: AllocationRun) -> None:
    if run.status != RunStatus.QUEUED:
        raise RunNotQueued


def do_cancel_run(*, actor: User, run: AllocationRun) -> AllocationRun:
    """Cancel a run no worker has taken yet (typically: none is running). Only a run still
    queued changes, so a worker taking it at the same moment wins and nothing is half
    done; a worker reaching a cancelled run later leaves it as it is."""
    with transaction.atomic():
        cancelled = AllocationRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
            status=RunStatus.CANCELLED, queued_since=None
        )
        if not cancelled:
            raise RunNotQueued
        _audit(
            actor_ref=_actor(actor),
            action="allocation.run_cancelled",
            object_type="allocation_run",
            object_ref=run.public_id,
            organisation=run.organisation,
        )
    run.refresh_from_db()
    return run


def _gap(incumbent: float, bound: float) -> float:
    if bound <= 0:
        return 0.0
    return max(0.0, bound - incumbent) / bound


def _progress_writer(run_pk: int) -> Callable[[core.Progress], None]:
    def write(progress: core.Progress) -> None:
        AllocationRun.objects.filter(pk=run_pk).update(
            phase=progress.phase[:32],
            incumbent=progress.incumbent,
            bound=progress.bound if progress.bound < float("inf") else None,
            gap=progress.gap,
        )

    return write


# --- accepting a plan ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Acceptance:
    """Which requests of a plan were accepted, and why the others were refused."""

    accepted: tuple[str, ...]
    refused: Mapping[str, BookingsError] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _TripKeys:
    """What a new trip needs sealed under its case's travel key (made before locking)."""

    trip_id: uuid.UUID
    record_public_key: bytes
    record_private_key: bytes


def _prepare_trip_keys(*, case: Case, user: User, key_pair: KeyPair) -> _TripKeys:
    travel_key = _travel_key(case=case, user=user, key_pair=key_pair)
    trip_id = uuid.uuid4()
    public, private = sealing.new_record_key_pair(key=travel_key, trip_id=trip_id)
    return _TripKeys(trip_id=trip_id, record_public_key=public, record_private_key=private)


def do_accept_plan(
    *, actor: User, key_pair: KeyPair, run: AllocationRun, request_ids: list[str]
) -> Acceptance:
    """Accept the plan for ``request_ids`` in one transaction: each accepted request gets
    its trip and booking requests, and its tickets' miles are reserved in the ledger.

    A request whose pledges changed or were withdrawn since the run (or that was accepted
    elsewhere, or is no longer open) is refused with a typed error and leaves nothing
    behind (its own savepoint rolls back); the others are accepted.
    """
    if run.status != RunStatus.DONE or run.plan is None:
        raise RunNotFinished
    plan = load_plan(run.plan)
    problem = load_problem(run.problem)
    served = {item.request: item for item in plan.served}
    fares = {
        fare.id: fare
        for request in problem.requests
        for option in request.options
        for fare in option.fares
    }
    refused: dict[str, BookingsError] = {}
    keys: dict[str, _TripKeys] = {}
    chosen = sorted(dict.fromkeys(request_ids))
    for request_id in chosen:
        info = run.request_snapshot.get(request_id, {})
        if request_id not in served:
            refused[request_id] = RequestNotInPlan()
            continue
        case = Case.objects.filter(
            public_id=info.get("case"), organisation=run.organisation
        ).first()
        if case is None:
            refused[request_id] = RequestNoLongerOpen()
            continue
        if info.get("kind") == "travel":
            try:
                keys[request_id] = _prepare_trip_keys(case=case, user=actor, key_pair=key_pair)
            except BookingsError as error:
                refused[request_id] = error
    todo = [request_id for request_id in chosen if request_id not in refused]
    pledge_ids = sorted(
        {
            uuid.UUID(ticket.pledge)
            for request_id in todo
            for ticket in served[request_id].tickets
            if ticket.pledge is not None
        }
    )
    accepted: list[str] = []
    with transaction.atomic():
        pledges = {str(p.public_id): p for p in lock_pledges(pledge_ids=pledge_ids)}
        # A pledge no longer given to the network (a partnership ended since the run) is
        # left out, so the requests it would pay are refused as changed.
        in_network = {
            str(public_id)
            for public_id in list_network_pledges(
                organisations=list_network(organisation=run.organisation)
            )
            .filter(public_id__in=pledge_ids)
            .values_list("public_id", flat=True)
        }
        pledges = {key: pledge for key, pledge in pledges.items() if key in in_network}
        lock_ledger_owners(owners=[(OwnerKind.PLEDGE, pledge_id) for pledge_id in pledges])
        for request_id in todo:
            try:
                with transaction.atomic():
                    _accept_request(
                        actor=actor,
                        run=run,
                        item=served[request_id],
                        info=run.request_snapshot.get(request_id, {}),
                        pledges=pledges,
                        fares=fares,
                        trip_keys=keys.get(request_id),
                    )
            except BookingsError as error:
                refused[request_id] = error
            except InsufficientBalanceError:
                refused[request_id] = PledgeChanged()
            except IntegrityError:
                refused[request_id] = RequestAlreadyAccepted()
            else:
                accepted.append(request_id)
    return Acceptance(accepted=tuple(accepted), refused=refused)


def _check_pledges_fresh(
    *, run: AllocationRun, item: core.ServedRequest, pledges: Mapping[str, Pledge]
) -> None:
    for pledge_id in sorted({t.pledge for t in item.tickets if t.pledge is not None}):
        pledge = pledges.get(pledge_id)
        seen = run.pledge_snapshot.get(pledge_id, {})
        if (
            pledge is None
            or pledge.status != PledgeStatus.CONFIRMED
            or pledge.expires_on < timezone.localdate()  # expired since the run's day
            or not pledge_can_book_for_others(pledge=pledge)
            or current_pledge_version(pledge=pledge, run=run) != seen.get("version")
        ):
            raise PledgeChanged


def _accept_request(
    *,
    actor: User,
    run: AllocationRun,
    item: core.ServedRequest,
    info: Mapping[str, object],
    pledges: Mapping[str, Pledge],
    fares: Mapping[str, core.Fare],
    trip_keys: _TripKeys | None,
) -> Trip:
    _check_pledges_fresh(run=run, item=item, pledges=pledges)
    today = timezone.localdate()
    replaced: BookingRequest | None = None
    numbers: list[int] = []
    if info.get("kind") == "rebook":
        replaced = (
            BookingRequest.objects.select_for_update(of=("self",))
            .select_related("trip__case")
            .filter(public_id=str(info.get("booking_request")))
            .first()
        )
        if (
            replaced is None
            or replaced.replacement_id is not None
            or replaced.status not in (BookingStatus.DECLINED, BookingStatus.CANCELLED)
            or replaced.trip.status not in LIVE_TRIP_STATUSES
        ):
            raise RequestAlreadyAccepted
        if replaced.trip.case.state != CaseState.TRAVEL_PLANNED:
            raise RequestNoLongerOpen  # withdrawn or closed since the run
        trip = replaced.trip
        numbers = [int(n) for n in replaced.traveller_numbers]
        fare_ref = replaced.fare_ref
    else:
        travel_request = (
            TravelRequest.objects.select_related("case").filter(public_id=item.request).first()
        )
        if (
            travel_request is None
            or trip_keys is None
            or travel_request.state != TravelRequestState.OPEN
            or travel_request.case.state != CaseState.TRAVEL_PLANNED
        ):
            raise RequestNoLongerOpen
        if Trip.objects.filter(request_ref=item.request, status__in=LIVE_TRIP_STATUSES).exists():
            raise RequestAlreadyAccepted
        option = travel_request.options.filter(public_id=item.option).first()
        if option is None or {str(f.public_id) for f in option.fares.all()} != {
            t.fare for t in item.tickets
        }:
            raise RequestChanged
        _check_prices_unchanged(option=option, item=item, pledges=pledges)
        trip = Trip.objects.create(
            public_id=trip_keys.trip_id,
            organisation=run.organisation,
            case=travel_request.case,
            run=run,
            request_ref=item.request,
            option_ref=item.option,
            travellers=travel_request.party_size,
            accepted_by=actor,
            accepted_on=today,
            record_public_key=trip_keys.record_public_key,
            record_private_key=trip_keys.record_private_key,
        )
        fare_ref = ""
    groups: dict[tuple[str, str | None], list[core.Ticket]] = defaultdict(list)
    for ticket in item.tickets:
        groups[(ticket.fare, ticket.pledge)].append(ticket)
    created: list[BookingRequest] = []
    for (fare_id, pledge_id), tickets in sorted(
        groups.items(), key=lambda g: (g[0][0], g[0][1] or "")
    ):
        pledge = pledges[pledge_id] if pledge_id is not None else None
        miles = sum(t.miles for t in tickets)
        points = get_conversion(pledge=pledge).points_for(miles) if pledge is not None else 0
        travellers = sorted(t.traveller for t in tickets)
        booking = BookingRequest.objects.create(
            trip=trip,
            run=run,
            request_ref=item.request,
            fare_ref=fare_ref if replaced is not None else fare_id,
            traveller_numbers=[numbers[n - 1] for n in travellers] if numbers else travellers,
            pledge=pledge,
            program=_program_of(fares.get(fare_id), tickets, pledge),
            miles=miles,
            ledger_points=points,
            cash=sum((t.cash for t in tickets), Decimal(0)),
            currency=run.currency,
            mode=get_booking_mode_rule(pledge=pledge).mode,
            created_on=today,
        )
        if pledge is not None:
            ledger.do_reserve_miles(
                pledge=_pledge_ref(pledge),
                amount=Miles(amount=points, program=pledge.program.code),
                idempotency_key=f"booking-reserve:{booking.public_id}",
                reference=f"booking-request:{booking.public_id}",
                actor_ref=_actor(actor),
                organisation_ref=str(run.organisation.public_id),
            )
        created.append(booking)
    if replaced is not None:
        replaced.replacement = created[0]
        replaced.save(update_fields=["replacement"])
        if trip.status != TripStatus.BOOKING:
            trip.status = TripStatus.BOOKING
            trip.save(update_fields=["status"])
    _audit(
        actor_ref=_actor(actor),
        action="allocation.request_accepted",
        object_type="trip",
        object_ref=trip.public_id,
        organisation=run.organisation,
    )
    return trip


def _check_prices_unchanged(
    *, option: TravelOption, item: core.ServedRequest, pledges: Mapping[str, Pledge]
) -> None:
    """Every ticket paid with miles still costs what the plan counted (no new quote)."""
    prices = {
        (str(price.fare.public_id), price.program.code): price.miles
        for price in FarePrice.objects.filter(fare__option=option).select_related("fare", "program")
    }
    for ticket in item.tickets:
        if ticket.pledge is None:
            continue
        program = get_conversion(pledge=pledges[ticket.pledge]).program
        if prices.get((ticket.fare, program)) != ticket.miles:
            raise RequestChanged


def _program_of(fare: core.Fare | None, tickets: list[core.Ticket], pledge: Pledge | None) -> str:
    if pledge is None or fare is None:
        return ""
    per_traveller = tickets[0].miles
    for program, miles in fare.miles.items():
        if miles == per_traveller and program == get_conversion(pledge=pledge).program:
            return program
    return get_conversion(pledge=pledge).program


# --- sending booking requests ----------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Passenger:
    """One traveller as the airline needs them; never leaves a sealed envelope at rest."""

    number: int
    name_in_passport: str = field(repr=False)
    birth_date: str = field(repr=False)
    document: str = field(repr=False)


@dataclass(frozen=True, kw_only=True)
class TripDetails:
    itinerary: str = field(repr=False)
    passengers: tuple[Passenger, ...] = field(repr=False)

    def values(self) -> dict[str, object]:
        return {
            "itinerary": self.itinerary,
            "passengers": [
                {
                    "number": p.number,
                    "name_in_passport": p.name_in_passport,
                    "birth_date": p.birth_date,
                    "document": p.document,
                }
                for p in self.passengers
            ],
        }


def _donor_values(details: Mapping[str, object], numbers: list[int]) -> dict[str, object]:
    passengers = details.get("passengers")
    wanted = set(numbers)
    return {
        "itinerary": details.get("itinerary", ""),
        "passengers": [p for p in passengers if isinstance(p, dict) and p.get("number") in wanted]
        if isinstance(passengers, list)
        else [],
    }


def _absolute(path: str) -> str:
    return str(settings.SITE_BASE_URL).rstrip("/") + path


def _send_email(
    *,
    template: str,
    language: str,
    address: str,
    context: Mapping[str, object],
    failures: list[str] | None = None,
) -> None:
    """Send one e-mail to a donor (on commit, from the web process: it may carry a link key
    or a code, which never rest in the task queue). A mail server that refuses it or cannot
    be reached must not turn the committed change into an error page nor stop the other
    donors' e-mails: the failure is logged by template and kind only (never the address,
    which SMTP errors quote) and noted in ``failures`` for the caller to report; a
    notice without ``failures`` (cancelled, taken over) is simply not sent."""
    with translation.override(language):
        subject = render_to_string(f"bookings/email/{template}_subject.txt", dict(context))
        body = render_to_string(f"bookings/email/{template}_body.txt", dict(context))
    try:
        send_mail(subject.strip(), body, None, [address])
    except (smtplib.SMTPException, OSError) as error:
        logger.error("booking e-mail %s not sent: %s", template, type(error).__name__)
        if failures is not None:
            failures.append(template)


def _donor_address(pledge: Pledge) -> str:
    return pledge_sealing.open_pledge_value(
        pledge_id=str(pledge.public_id),
        field=pledge_sealing.EMAIL,
        envelope=pledge.donor_email_envelope,
    )


def _notify_donor(*, booking: BookingRequest, template: str, booked: bool = False) -> None:
    """Tell the pledge's donor, after commit, that a request they were sent was cancelled
    or taken over: the program's name only, never a traveller, route or date. Nothing is
    sent for a cash request or a pledge without an address (the change still happens)."""
    pledge = booking.pledge
    if pledge is None:
        return
    address = _donor_address(pledge)
    if not address:
        return
    transaction.on_commit(
        partial(
            _send_email,
            template=template,
            language=pledge.language,
            address=address,
            context={"program": pledge.program.name, "booked": booked},
        )
    )


def do_send_booking_requests(
    *, actor: User, key_pair: KeyPair, trip: Trip, details: TripDetails | None
) -> int:
    """Seal the passengers for the trip (when given) and send every open booking request:
    a donor gets a link (no traveller identity in the e-mail) whose key alone opens the
    passengers of that request. Sending again gives each open request a new link (the old
    one stops working, and so does any code asked for with it). Returns how many were
    sent."""
    travel_key = _travel_key(case=trip.case, user=actor, key_pair=key_pair)
    failures: list[str] = []
    with transaction.atomic():
        locked = lock_trip(trip_pk=trip.pk)
        if locked.status not in LIVE_TRIP_STATUSES or locked.case.state not in (
            CaseState.TRAVEL_PLANNED,
            CaseState.TICKETED,
        ):  # a case withdrawn or closed since has no one left to fly
            raise TripNotReady
        if details is not None:
            locked.passengers = sealing.seal_trip_passengers(
                key=travel_key, trip_id=locked.public_id, values=details.values()
            )
            locked.save(update_fields=["passengers"])
        if not locked.passengers:
            raise PassengersMissing
        opened = sealing.open_trip_passengers(
            key=travel_key, trip_id=locked.public_id, envelope=bytes(locked.passengers)
        )
        sent = 0
        for booking in locked.booking_requests.filter(
            status__in=OPEN_BOOKING_STATUSES
        ).select_related("pledge__program"):
            _send_one(actor=actor, trip=locked, booking=booking, opened=opened, failures=failures)
            sent += 1
    trip.passengers = locked.passengers
    if failures:  # the e-mails go on commit, when the block above ends
        raise RequestEmailNotSent
    return sent


def _send_one(
    *,
    actor: User,
    trip: Trip,
    booking: BookingRequest,
    opened: Mapping[str, object],
    failures: list[str],
) -> None:
    booking.status = BookingStatus.SENT
    booking.sent_on = timezone.localdate()
    booking.link_version += 1
    booking.code_hash = ""
    booking.code_attempts = 0
    booking.codes_sent = 0
    if booking.mode == BookingMode.DONOR and booking.pledge is not None:
        address = _donor_address(booking.pledge)
        if not address:
            raise NoDonorAddress
        link_key = sealing.new_link_key()
        booking.donor_passengers = sealing.seal_donor_passengers(
            link_key=link_key,
            booking_id=booking.public_id,
            version=booking.link_version,
            values=_donor_values(opened, [int(n) for n in booking.traveller_numbers]),
        )
        link = _absolute(
            reverse(
                "bookings:donor",
                kwargs={
                    "token": make_donor_token(
                        booking_id=booking.public_id,
                        version=booking.link_version,
                        link_key=link_key,
                    )
                },
            )
        )
        transaction.on_commit(
            partial(
                _send_email,
                template="request",
                language=booking.pledge.language,
                address=address,
                context={
                    "link": link,
                    "program": booking.pledge.program.name,
                    "miles": grouped_number(booking.miles),
                    "travellers": len(booking.traveller_numbers),
                },
                failures=failures,
            )
        )
    booking.save(
        update_fields=[
            "status",
            "sent_on",
            "link_version",
            "donor_passengers",
            "code_hash",
            "code_attempts",
            "codes_sent",
        ]
    )
    _audit(
        actor_ref=_actor(actor),
        action="booking.request_sent",
        object_type="booking_request",
        object_ref=booking.public_id,
        organisation=trip.organisation,
    )


def check_set_booking_mode(*, booking: BookingRequest, mode: str) -> None:
    """A request still open may always go (back) to the donor, except a cash one; the
    coordinator may take it over only where the program allows booking with the donor's
    delegated access and the donor agreed (``get_booking_mode_rule``)."""
    if not booking.is_open or mode not in BookingMode.values:
        raise BookingNotOpen
    if booking.pledge is None and mode == BookingMode.DONOR:
        raise BookingNotOpen
    if mode == BookingMode.COORDINATOR and booking.mode != BookingMode.COORDINATOR:
        rule = get_booking_mode_rule(pledge=booking.pledge)
        if not rule.delegation_allowed:
            raise delegation_refusal(reason=rule.reason)


def do_set_booking_mode(*, actor: User, booking: BookingRequest, mode: str) -> BookingRequest:
    """Choose who books a request still open: the donor (link with the passengers) or the
    coordinator with the donor's delegated access (the link stops working; no passengers
    ever go to the donor). A request paid with cash is always the coordinator's. Checked
    under the request's lock (``check_set_booking_mode``): a refusal writes nothing."""
    with transaction.atomic():
        locked = lock_booking_request(booking_pk=booking.pk)
        check_set_booking_mode(booking=locked, mode=mode)
        if (
            mode == BookingMode.COORDINATOR
            and locked.mode == BookingMode.DONOR
            and locked.status == BookingStatus.SENT
        ):
            _notify_donor(booking=locked, template="taken_over")
        locked.mode = mode
        if mode == BookingMode.COORDINATOR:
            locked.link_version += 1
            locked.donor_passengers = None
            locked.code_hash = ""
            locked.code_attempts = 0
            locked.codes_sent = 0
        elif locked.status == BookingStatus.SENT:
            locked.status = BookingStatus.RESERVED
        locked.save(
            update_fields=[
                "mode",
                "link_version",
                "donor_passengers",
                "code_hash",
                "code_attempts",
                "codes_sent",
                "status",
            ]
        )
        _audit(
            actor_ref=_actor(actor),
            action=f"booking.mode_{mode}",
            object_type="booking_request",
            object_ref=locked.public_id,
            organisation=locked.trip.organisation,
        )
    return locked


# --- the donor's one-time code ---------------------------------------------------------


def _code_hash(booking: BookingRequest, code: str) -> str:
    return salted_hmac(
        "safepassage.bookings.donor-code",
        f"{booking.public_id}:{booking.link_version}:{code}",
        algorithm="sha256",
    ).hexdigest()


def link_exhausted(*, booking: BookingRequest) -> bool:
    """The link has used up its codes or its wrong tries: only a new link (the coordinator
    sends the request again) gives the donor codes again."""
    return booking.codes_sent >= MAX_CODES_PER_LINK or booking.code_attempts >= MAX_CODE_ATTEMPTS


def do_send_donor_code(*, booking: BookingRequest) -> None:
    """E-mail a fresh six-digit code to the pledge's donor (the previous one stops working).
    A link version gets at most MAX_CODES_PER_LINK codes, and none once its wrong tries are
    used up."""
    if booking.pledge is None or booking.mode != BookingMode.DONOR:
        raise BookingNotOpen
    code = f"{secrets.randbelow(10**6):06d}"
    failures: list[str] = []
    with transaction.atomic():
        locked = lock_booking_request(booking_pk=booking.pk)
        if locked.status != BookingStatus.SENT or locked.pledge is None:
            raise BookingNotOpen
        if link_exhausted(booking=locked):
            raise LinkExhausted
        now = timezone.now()
        if locked.code_expires_at is not None and (
            locked.code_expires_at - CODE_LIFETIME + CODE_RESEND_INTERVAL > now
        ):
            raise CodeRecentlySent
        address = _donor_address(locked.pledge)
        if not address:
            raise NoDonorAddress
        locked.code_hash = _code_hash(locked, code)
        locked.code_expires_at = now + CODE_LIFETIME
        locked.codes_sent += 1
        locked.save(update_fields=["code_hash", "code_expires_at", "codes_sent"])
        _audit(
            actor_ref="anonymous",
            action="booking.code_sent",
            object_type="booking_request",
            object_ref=locked.public_id,
            organisation=locked.trip.organisation,
        )
        transaction.on_commit(
            partial(
                _send_email,
                template="code",
                language=locked.pledge.language,
                address=address,
                context={"code": code, "minutes": int(CODE_LIFETIME.total_seconds() // 60)},
                failures=failures,
            )
        )
    if failures:  # the e-mail goes on commit, when the block above ends
        raise CodeEmailNotSent


def check_donor_code(*, booking: BookingRequest, code: str) -> None:
    """Accept the code once; every wrong try counts against the link version, and
    MAX_CODE_ATTEMPTS of them end the link's codes (the current one too)."""
    with transaction.atomic():
        locked = lock_booking_request(booking_pk=booking.pk)
        if locked.code_attempts >= MAX_CODE_ATTEMPTS:
            raise LinkExhausted
        valid = (
            bool(locked.code_hash)
            and locked.code_expires_at is not None
            and locked.code_expires_at >= timezone.now()
            and constant_time_compare(locked.code_hash, _code_hash(locked, code.strip()))
        )
        if valid:
            locked.code_hash = ""
            locked.code_expires_at = None
            locked.save(update_fields=["code_hash", "code_expires_at"])
            _audit(
                actor_ref="anonymous",
                action="booking.code_accepted",
                object_type="booking_request",
                object_ref=locked.public_id,
                organisation=locked.trip.organisation,
            )
            return
        locked.code_attempts += 1
        if locked.code_attempts >= MAX_CODE_ATTEMPTS:
            locked.code_hash = ""
            locked.code_expires_at = None
        locked.save(update_fields=["code_attempts", "code_hash", "code_expires_at"])
    if locked.code_attempts >= MAX_CODE_ATTEMPTS:
        raise LinkExhausted
    raise CodeInvalid


# --- recording, declining, cancelling --------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class BookingRecord:
    """What the airline charged: the locator and taxes are sealed, the miles are not (the
    ledger needs them)."""

    locator: str = field(repr=False)
    miles_charged: int
    taxes: Decimal
    currency: str


def _lock_booking(booking: BookingRequest) -> tuple[Pledge | None, BookingRequest]:
    pledge = lock_pledge(pledge_id=booking.pledge.public_id) if booking.pledge is not None else None
    return pledge, lock_booking_request(booking_pk=booking.pk)


def check_record_booking(*, booking: BookingRequest, record: BookingRecord) -> None:
    if not booking.is_open:
        raise BookingNotOpen
    if record.miles_charged > booking.miles:
        raise TooManyMilesCharged


def do_record_booking(
    *, booking: BookingRequest, record: BookingRecord, actor_ref: str
) -> BookingRequest:
    """Record the booking: redeem the miles charged, release what was set aside but not
    charged, seal locator and taxes to the trip's record key, and, when it was the trip's
    last ticket, move the trip and the case to "ticketed" (audited)."""
    with transaction.atomic():
        pledge, locked = _lock_booking(booking)
        check_record_booking(booking=locked, record=record)
        trip = lock_trip(trip_pk=locked.trip_id)
        recipients = [PublicKey(raw=bytes(trip.record_public_key))]
        recovery = sealing.recovery_public_key(case=trip.case)
        if recovery is None:
            raise NoOrganisationKeys
        recipients.append(recovery)
        organisation_ref = str(trip.organisation.public_id)
        if pledge is not None:
            conversion = get_conversion(pledge=pledge)
            points = min(locked.ledger_points, conversion.points_for(record.miles_charged))
            if points:
                ledger.do_redeem_miles(
                    pledge=_pledge_ref(pledge),
                    amount=Miles(amount=points, program=pledge.program.code),
                    idempotency_key=f"booking-redeem:{locked.public_id}",
                    reference=f"booking-request:{locked.public_id}",
                    actor_ref=actor_ref,
                    organisation_ref=organisation_ref,
                )
            if locked.ledger_points > points:
                ledger.do_release_miles(
                    pledge=_pledge_ref(pledge),
                    amount=Miles(amount=locked.ledger_points - points, program=pledge.program.code),
                    idempotency_key=f"booking-release-unused:{locked.public_id}",
                    reference=f"booking-request:{locked.public_id}",
                    actor_ref=actor_ref,
                    organisation_ref=organisation_ref,
                )
                _close_miles_back(
                    pledge=pledge,
                    points=locked.ledger_points - points,
                    booking=locked,
                    actor_ref=actor_ref,
                    organisation_ref=organisation_ref,
                    step="release-unused",
                )
            locked.points_redeemed = points
        locked.cash_paid = _post_cash_paid(
            organisation=trip.organisation,
            booking=locked,
            amount=Money(amount=record.taxes, currency=record.currency),
            actor_ref=actor_ref,
        )
        locked.booking_record = sealing.seal_booking_record(
            recipients=recipients,
            booking_id=locked.public_id,
            values={
                "locator": record.locator.strip().upper(),
                "taxes": str(record.taxes),
                "currency": record.currency,
            },
        )
        locked.miles_charged = record.miles_charged
        locked.status = BookingStatus.BOOKED
        locked.closed_on = timezone.localdate()
        locked.donor_passengers = None
        locked.save(
            update_fields=[
                "booking_record",
                "miles_charged",
                "points_redeemed",
                "cash_paid",
                "status",
                "closed_on",
                "donor_passengers",
            ]
        )
        _audit(
            actor_ref=actor_ref,
            action="booking.booked",
            object_type="booking_request",
            object_ref=locked.public_id,
            organisation=trip.organisation,
        )
        _ticket_if_complete(trip=trip, actor_ref=actor_ref)
    return locked


def _post_cash_paid(
    *, organisation: Organisation, booking: BookingRequest, amount: Money, actor_ref: str
) -> list[dict[str, object]]:
    """The taxes and fees (or the cash fare) charged leave the organisation's money in the
    ledger: its general fund first, then its campaigns in the order they were created (the
    run's cash budget counted them all), in the charged currency first, then valued in the
    run's currency with the recorded exchange rates (``cash.plan_payment`` has the rules
    and the rounding). Returns the payments as stored on the booking.

    ``NoExchangeRate`` when a needed rate is not recorded and ``NotEnoughCash`` when they
    hold less: both before anything is posted, and the caller's transaction then rolls
    back whole, so nothing of the booking is written."""
    if amount.amount == 0:
        return []
    owners = list_money_owners(organisation=organisation)
    lock_ledger_owners(owners=[(owner.kind, owner.owner_id) for owner in owners])
    holdings = [
        cash.Holding(owner=owner, money=money)
        for owner in owners
        for money in list_cash_balances(owner=owner)
        if money.amount > 0
    ]
    payments = cash.plan_payment(
        charge=amount,
        currency=booking.currency,
        holdings=holdings,
        rates=get_rates_into(currency=booking.currency, on=timezone.localdate()),
    )
    for payment in payments:
        owner = payment.owner
        ledger.do_disburse_money(
            owner=owner,
            amount=payment.paid,
            idempotency_key=(
                f"booking-cash:{booking.public_id}:{owner.kind}:{owner.owner_id}"
                f":{payment.paid.currency}"
            ),
            reference=f"booking-request:{booking.public_id}",
            actor_ref=actor_ref,
            organisation_ref=str(organisation.public_id),
        )
    return [payment.as_document() for payment in payments]


def _ticket_if_complete(*, trip: Trip, actor_ref: str) -> None:
    """Every ticket booked: the trip becomes "ticketed", and so does its case once every
    party of it holds its tickets (``case_travel_is_ticketed``): a move the system makes
    through the cases app ("all tickets booked"), so a donor's booking completes it
    without any case key."""
    if trip.status != TripStatus.BOOKING or not trip_is_fully_booked(trip=trip):
        return
    trip.status = TripStatus.TICKETED
    trip.save(update_fields=["status"])
    # The case row lock makes two last tickets of two trips of one case, booked at once,
    # see each other: the second sees the first trip ticketed.
    case = lock_case(case=trip.case)
    if case.state == CaseState.TRAVEL_PLANNED and case_travel_is_ticketed(case=case):
        do_system_transition(
            case=case,
            target=CaseState.TICKETED,
            reason_code=ReasonCode.ALL_TICKETS_BOOKED,
            actor_ref=actor_ref,
        )


def _reopen_case(*, trip: Trip, reason_code: ReasonCode, actor_ref: str) -> None:
    """A ticket of a ticketed case cancelled or declined before departure: the case goes
    back to "travel planned" (the system's move, ``reason_code`` says why) while the ticket
    waits for the next allocation as a rebooking request. The move tells the people on the
    case other than ``actor_ref`` (``cases.attention_actions``): an item on their case list
    and a content-free e-mail after the commit."""
    case = lock_case(case=trip.case)
    if case.state == CaseState.TICKETED and not case_travel_is_ticketed(case=case):
        do_system_transition(
            case=case,
            target=CaseState.TRAVEL_PLANNED,
            reason_code=reason_code,
            actor_ref=actor_ref,
        )


def do_decline_booking(*, booking: BookingRequest, actor_ref: str) -> BookingRequest:
    """The donor (or the coordinator) declines: the reserved miles go back to the pledge
    and the tickets wait for the next allocation; a case already "ticketed" goes back to
    "travel planned" (the system's move, "ticket declined")."""
    with transaction.atomic():
        pledge, locked = _lock_booking(booking)
        trip = lock_trip(trip_pk=locked.trip_id)  # as cancelling: pledge, request, trip
        if not locked.is_open:
            raise BookingNotOpen
        _release(pledge=pledge, booking=locked, actor_ref=actor_ref, kind="decline")
        locked.status = BookingStatus.DECLINED
        locked.closed_on = timezone.localdate()
        locked.donor_passengers = None
        locked.code_hash = ""
        locked.save(update_fields=["status", "closed_on", "donor_passengers", "code_hash"])
        _audit(
            actor_ref=actor_ref,
            action="booking.declined",
            object_type="booking_request",
            object_ref=locked.public_id,
            organisation=locked.trip.organisation,
        )
        _reopen_case(trip=trip, reason_code=ReasonCode.TICKET_DECLINED, actor_ref=actor_ref)
        _forget_donor_when_done(pledge)
    return locked


def _forget_donor_when_done(pledge: Pledge | None) -> None:
    """A withdrawn or expired pledge whose last reservation just closed, with no booked
    ticket still to fly, has nothing left to tell its donor: forget them. The caller holds
    the pledge's row lock and has taken the address for any message it sends."""
    if pledge is not None:
        forget_donor_when_done(pledge=pledge, more_to_tell=pledge_has_tickets_to_fly(pledge=pledge))


def _release(*, pledge: Pledge | None, booking: BookingRequest, actor_ref: str, kind: str) -> None:
    if pledge is None or not booking.ledger_points:
        return
    ledger.do_release_miles(
        pledge=_pledge_ref(pledge),
        amount=Miles(amount=booking.ledger_points, program=pledge.program.code),
        idempotency_key=f"booking-{kind}:{booking.public_id}",
        reference=f"booking-request:{booking.public_id}",
        actor_ref=actor_ref,
        organisation_ref=str(booking.trip.organisation.public_id),
    )
    _close_miles_back(
        pledge=pledge,
        points=booking.ledger_points,
        booking=booking,
        actor_ref=actor_ref,
        organisation_ref=str(booking.trip.organisation.public_id),
        step=kind,
    )


def _close_miles_back(
    *,
    pledge: Pledge,
    points: int,
    booking: BookingRequest,
    actor_ref: str,
    organisation_ref: str,
    step: str,
) -> None:
    """Miles just given back to a pledge (released or returned) that the donor withdrew,
    or that is marked expired, are nobody's to spend: they follow the pledge into
    ``withdrawn`` or ``expired`` in the same transaction. (The expiry job skips pledges no
    longer confirmed, so they would otherwise stay "available" for ever.) The caller holds
    the pledge's row lock, so its status is current."""
    moves = {
        PledgeStatus.WITHDRAWN: ledger.do_withdraw_miles,
        PledgeStatus.EXPIRED: ledger.do_expire_miles,
    }
    move = moves.get(PledgeStatus(pledge.status))
    if move is None or points <= 0:
        return
    move(
        pledge=_pledge_ref(pledge),
        amount=Miles(amount=points, program=pledge.program.code),
        idempotency_key=f"booking-{step}-closed:{booking.public_id}",
        reference=f"booking-request:{booking.public_id}",
        actor_ref=actor_ref,
        organisation_ref=organisation_ref,
    )


def do_cancel_booking(*, booking: BookingRequest, actor: User) -> BookingRequest:
    """Cancel before departure: an open request releases its reserved miles, a recorded
    booking gets its redeemed miles back (``return``); the tickets go back into the next
    allocation and the trip is being booked again. A "ticketed" case goes back to "travel
    planned" (the system's move, "ticket cancelled"): its tickets are no longer all booked.
    Cash the booking paid stays paid until the airline's refund is recorded
    (``refund_actions.do_record_refund``, decision 0023)."""
    actor_ref = _actor(actor)
    with transaction.atomic():
        pledge, locked = _lock_booking(booking)
        trip = lock_trip(trip_pk=locked.trip_id)
        if trip.status not in LIVE_TRIP_STATUSES:
            raise TripNotReady
        if locked.is_open:
            _release(pledge=pledge, booking=locked, actor_ref=actor_ref, kind="cancel")
        elif locked.status == BookingStatus.BOOKED:
            if pledge is not None and locked.points_redeemed:
                ledger.do_return_miles(
                    pledge=_pledge_ref(pledge),
                    amount=Miles(amount=locked.points_redeemed, program=pledge.program.code),
                    idempotency_key=f"booking-return:{locked.public_id}",
                    reference=f"booking-request:{locked.public_id}",
                    actor_ref=actor_ref,
                    organisation_ref=str(trip.organisation.public_id),
                )
                _close_miles_back(
                    pledge=pledge,
                    points=locked.points_redeemed,
                    booking=locked,
                    actor_ref=actor_ref,
                    organisation_ref=str(trip.organisation.public_id),
                    step="return",
                )
        else:
            raise BookingNotBooked
        if locked.status in (BookingStatus.SENT, BookingStatus.BOOKED):
            _notify_donor(
                booking=locked,
                template="cancelled",
                booked=locked.status == BookingStatus.BOOKED,
            )
        locked.status = BookingStatus.CANCELLED
        locked.closed_on = timezone.localdate()
        locked.donor_passengers = None
        locked.save(update_fields=["status", "closed_on", "donor_passengers"])
        if trip.status == TripStatus.TICKETED:
            trip.status = TripStatus.BOOKING
            trip.save(update_fields=["status"])
        _audit(
            actor_ref=actor_ref,
            action="booking.cancelled",
            object_type="booking_request",
            object_ref=locked.public_id,
            organisation=trip.organisation,
        )
        _reopen_case(trip=trip, reason_code=ReasonCode.TICKET_CANCELLED, actor_ref=actor_ref)
        _forget_donor_when_done(pledge)
    return locked


# --- after the flight ------------------------------------------------------------------


def do_record_trip_progress(*, actor: User, key_pair: KeyPair, trip: Trip, target: str) -> Trip:
    """Departed (from ticketed) or arrived (from departed): the trip and the case move
    together (the case through its own state machine, audited). On arrival every donor
    whose miles paid a ticket is sent the impact note, which names and places no one."""
    moves = {TripStatus.DEPARTED: TripStatus.TICKETED, TripStatus.ARRIVED: TripStatus.DEPARTED}
    if target not in moves:
        raise TripNotReady
    with transaction.atomic():
        locked = lock_trip(trip_pk=trip.pk)
        if locked.status != moves[TripStatus(target)]:
            raise TripNotReady
        try:
            do_transition_case(
                actor=actor,
                key_pair=key_pair,
                case=locked.case,
                target=target,
                reason=gettext("Trip %(trip)s: %(state)s.")
                % {"trip": locked.public_id, "state": TripStatus(target).label},
            )
        except case_errors.CasesError as error:
            raise TripNotReady from error
        locked.status = target
        locked.save(update_fields=["status"])
        _audit(
            actor_ref=_actor(actor),
            action=f"trip.{target}",
            object_type="trip",
            object_ref=locked.public_id,
            organisation=locked.organisation,
        )
        if target == TripStatus.ARRIVED:
            _queue_impact_notes(trip=locked)
    trip.status = locked.status
    return trip


def _queue_impact_notes(*, trip: Trip) -> None:
    today = timezone.localdate()
    per_pledge: dict[int, tuple[Pledge, int, set[int]]] = {}
    for booking in trip.booking_requests.filter(
        status=BookingStatus.BOOKED, pledge__isnull=False
    ).select_related("pledge"):
        assert booking.pledge is not None  # filtered above
        pledge, miles, travellers = per_pledge.get(booking.pledge.pk, (booking.pledge, 0, set()))
        travellers.update(int(n) for n in booking.traveller_numbers)
        per_pledge[booking.pledge.pk] = (pledge, miles + (booking.miles_charged or 0), travellers)
    for pledge, miles, travellers in per_pledge.values():
        more_to_tell = pledge_has_tickets_to_fly(pledge=pledge, excluding_trip_pk=trip.pk)
        if pledge.contact_before is not None and pledge.contact_before < today:
            # No note after the donor's date; the trip locks come first here, so the
            # pledge is locked after the commit, in a transaction of its own
            transaction.on_commit(
                partial(
                    do_forget_donor_when_done,
                    pledge_id=pledge.public_id,
                    more_to_tell=more_to_tell,
                )
            )
            continue
        transaction.on_commit(
            partial(
                pledge_tasks.send_impact_note.enqueue,
                pledge_id=str(pledge.public_id),
                miles=miles,
                travellers=len(travellers),
                more_to_tell=more_to_tell,
            )
        )


# --- audited reads ---------------------------------------------------------------------


def do_record_trip_view(*, actor: User, trip: Trip, decrypted: bool) -> None:
    """Audit that ``actor`` opened the trip page (with or without its sealed details)."""
    with transaction.atomic():
        _audit(
            actor_ref=_actor(actor),
            action="trip.viewed" if decrypted else "trip.viewed_locked",
            object_type="trip",
            object_ref=trip.public_id,
            organisation=trip.organisation,
        )


def do_record_passengers_shown(*, booking: BookingRequest) -> None:
    """Audit that a donor's link, after the one-time code, showed the passengers."""
    with transaction.atomic():
        _audit(
            actor_ref="anonymous",
            action="booking.passengers_shown",
            object_type="booking_request",
            object_ref=booking.public_id,
            organisation=booking.trip.organisation,
        )


# --- crypto-shredding a case -----------------------------------------------------------


def do_remove_case_trips(*, case: Case) -> int:
    """Remove a shredded case's trips, booking requests and sealed passengers (called from
    the shredding transaction, see ``bookings.case_shredding``). Miles still reserved for
    an open request are released through the ledger first, so ``ledger verify`` stays
    clean; redeemed miles stay redeemed (the tickets were bought). Returns the trips removed."""
    with transaction.atomic():
        trips = list(Trip.objects.filter(case=case).select_related("organisation").order_by("pk"))
        if not trips:
            return 0
        requests = BookingRequest.objects.filter(trip__in=trips)
        pledge_ids = set(requests.exclude(pledge=None).values_list("pledge__public_id", flat=True))
        for booking in requests.filter(status__in=OPEN_BOOKING_STATUSES).order_by("pk"):
            pledge, locked = _lock_booking(booking)  # pledge, request, then trip: as cancel
            if locked.is_open:
                _release(pledge=pledge, booking=locked, actor_ref="system", kind="shred")
        for trip in trips:
            lock_trip(trip_pk=trip.pk)
        requests.exclude(replacement=None).update(replacement=None)
        # Refund records go with their requests, as the payments kept on them do; the
        # ledger's disbursements and refunds stay (ids and amounts only).
        CashRefund.objects.filter(booking__in=requests).delete()
        requests.delete()
        for trip in trips:
            _audit(
                actor_ref="system",
                action="trip.shredded",
                object_type="trip",
                object_ref=trip.public_id,
                organisation=trip.organisation,
            )
        Trip.objects.filter(pk__in=[trip.pk for trip in trips]).delete()
        for pledge in Pledge.objects.filter(public_id__in=pledge_ids).order_by("pk"):
            # After the commit, in a transaction of its own (the trips are locked here)
            transaction.on_commit(
                partial(
                    do_forget_donor_when_done,
                    pledge_id=pledge.public_id,
                    more_to_tell=pledge_has_tickets_to_fly(pledge=pledge),
                )
            )
    return len(trips)

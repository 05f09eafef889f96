"""One organisation at the scale of a real network, for the web-page benchmark.

Called by ``bench.web.run`` on a fresh SQLite data folder (never the developer's ``var/``).
Everything with a balance goes through the real actions and so through the ledger:
pledges (submitted, confirmed, some withdrawn, some expired by the expiry upkeep) and
gifts (entered by staff). Campaigns and events go through their actions too. Rows whose
actions need key material or a solver and would take hours at this size are written
directly, as the permission matrix's placeholders are: cases (clear workflow fields,
no sealed values), allocation runs, trips and booking requests (placeholder envelopes,
never opened). Audit events come from the actions, plus one case event per case.
"""

import datetime
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from tests.bookings.factories import travel_request
from tests.factories import OrganisationFactory, StaffMember, make_staff

from safepassage.accounts.roles import Role
from safepassage.audit.actions import record_audit_event
from safepassage.bookings import actions as bookings_actions
from safepassage.bookings.models import AllocationRun, BookingRequest, BookingStatus, Trip
from safepassage.bookings.models.runs import RunStatus
from safepassage.cases.actions import new_case_code
from safepassage.cases.models import Case, CaseMember, CaseState
from safepassage.core.money import Money
from safepassage.donations import actions as campaign_actions
from safepassage.donations.gifts import actions as gift_actions
from safepassage.donations.models import Campaign, GiftSource, Pledge, Program
from safepassage.donations.pledges import actions as pledge_actions
from safepassage.events import actions as event_actions
from safepassage.organisations.models import Organisation


@dataclass(frozen=True)
class Sizes:
    """How many of each row to create."""

    pledges: int = 20_000
    cases: int = 3_000
    gifts: int = 5_000
    campaigns: int = 150
    events: int = 50
    runs: int = 300
    trips: int = 600

    def scaled(self, factor: float) -> "Sizes":
        return Sizes(**{name: max(1, int(value * factor)) for name, value in vars(self).items()})


@dataclass
class Seeded:
    """The organisation, one staff member per role and what was created."""

    organisation: Organisation
    members: dict[Role | str, StaffMember]
    outsider: StaffMember
    counts: dict[str, int] = field(default_factory=dict)


PROGRAM_CODES = ("UA", "BA", "TK", "LH", "AF", "QR")
CHUNK = 500


def _chunks(total: int, *, size: int = CHUNK) -> list[range]:
    return [range(start, min(start + size, total)) for start in range(0, total, size)]


def _programs() -> list[Program]:
    programs = list(Program.objects.filter(code__in=PROGRAM_CODES, is_active=True))
    return programs or list(Program.objects.filter(is_active=True)[:6])


def _campaigns(*, seeded: Seeded, sizes: Sizes, today: datetime.date) -> list[Campaign]:
    actor = seeded.members[Role.ADMIN].user
    campaigns = []
    for number in range(sizes.campaigns):
        starts_on = today - datetime.timedelta(days=5 * number)
        campaign = campaign_actions.do_create_campaign(
            actor=actor,
            organisation=seeded.organisation,
            details=campaign_actions.CampaignDetails(
                slug=f"bench-campaign-{number}",
                title=f"Bench campaign {number}",
                story="A campaign of the web-page benchmark.",
                goal_money=Decimal(50_000),
                goal_currency="EUR",
                goal_miles=2_000_000 if number % 2 else None,
                starts_on=starts_on,
                ends_on=starts_on + datetime.timedelta(days=90),
                cover_description="",
            ),
            beneficiaries=[],
            cover=None,
        )
        campaign_actions.do_set_campaign_published(
            actor=actor, campaign=campaign, published=number % 5 != 0
        )
        campaigns.append(campaign)
    for number in range(sizes.events):
        starts_at = timezone.now() - datetime.timedelta(days=14 * number - 30)
        event = event_actions.do_create_event(
            actor=actor,
            organiser=seeded.organisation,
            beneficiaries=[],
            details=event_actions.EventDetails(
                slug=f"bench-event-{number}",
                title=f"Bench event {number}",
                venue="A hall",
                time_zone="UTC",
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=3),
                description="",
                remote_session="",
                campaign=campaigns[number % len(campaigns)],
            ),
        )
        event_actions.do_set_event_published(actor=actor, event=event, published=True)
    return campaigns


def _pledges(
    *, sizes: Sizes, campaigns: list[Campaign], rng: random.Random, today: datetime.date
) -> None:
    programs = _programs()
    for chunk in _chunks(sizes.pledges):
        with transaction.atomic():
            for number in chunk:
                expired = number % 20 == 0
                pledge, _created = pledge_actions.do_submit_pledge(
                    submission_token=f"bench-{number}",
                    terms=pledge_actions.PledgeTerms(
                        program=programs[number % len(programs)],
                        miles=rng.randrange(5_000, 200_000, 1_000),
                        expires_on=today
                        + datetime.timedelta(days=-3 if expired else rng.randint(10, 700)),
                        contact_before=None,
                        delegated_booking_consent=False,
                    ),
                    donor_name="",
                    email=f"donor{number}@bench.invalid",
                    is_anonymous=True,
                    campaign=campaigns[number % len(campaigns)] if number % 3 else None,
                    language="en",
                )
                if number % 10 == 9:
                    continue  # never confirmed
                pledge_actions.do_confirm_pledge(pledge_id=pledge.public_id, language="en")
                if number % 25 == 1:
                    pledge_actions.do_withdraw_pledge(pledge_id=pledge.public_id)
    pledge_actions.do_post_expiries(today=today)
    # Spread the creation dates over two years (the actions stamp today).
    for chunk in _chunks(sizes.pledges, size=2_000):
        with transaction.atomic():
            for number in chunk:
                Pledge.objects.filter(submission_token=f"bench-{number}").update(
                    created_on=today - datetime.timedelta(days=number % 730)
                )


def _gifts(
    *,
    seeded: Seeded,
    sizes: Sizes,
    campaigns: list[Campaign],
    rng: random.Random,
    today: datetime.date,
) -> None:
    user = seeded.members[Role.FUNDRAISER].user
    sources = (GiftSource.BANK_TRANSFER, GiftSource.CASH_AT_EVENT)
    for chunk in _chunks(sizes.gifts):
        with transaction.atomic():
            for number in chunk:
                gift_actions.do_record_staff_gift(
                    user=user,
                    submission_key=f"bench-{number}",
                    destination=gift_actions.GiftDestination(
                        organisation=seeded.organisation,
                        campaign=campaigns[number % len(campaigns)] if number % 2 else None,
                    ),
                    amount=Money(
                        amount=Decimal(rng.randrange(500, 500_000)) / 100,
                        currency=("EUR", "USD", "GBP")[number % 3],
                    ),
                    source=sources[number % 2],
                    received_on=today - datetime.timedelta(days=number % 730),
                    donor_name="",
                    donor_email="",
                )


CASE_STATES = [state for state, _label in CaseState.choices]


def _cases(*, seeded: Seeded, sizes: Sizes, today: datetime.date) -> list[Case]:
    """Cases with clear workflow fields only (no keys: sealing needs staff key pairs)."""
    members = [
        seeded.members[role].user for role in (Role.ADMIN, Role.CASEWORKER, Role.TRAVEL_COORDINATOR)
    ]
    cases = []
    for chunk in _chunks(sizes.cases):
        with transaction.atomic():
            batch = Case.objects.bulk_create(
                Case(
                    organisation=seeded.organisation,
                    code=new_case_code(),
                    state=CASE_STATES[number % len(CASE_STATES)],
                    priority=1 + number % 3,
                    opened_on=today - datetime.timedelta(days=number % 700),
                    state_changed_on=today - datetime.timedelta(days=number % 60),
                )
                for number in chunk
            )
            batch = list(Case.objects.filter(code__in=[case.code for case in batch]))
            CaseMember.objects.bulk_create(
                CaseMember(case=case, user=member, added_on=today)
                for case in batch
                for member in members
            )
            for case in batch:
                record_audit_event(
                    actor_ref=str(members[1].public_id),
                    action="case.created",
                    object_type="case",
                    object_ref=case.code,
                    organisation_ref=str(seeded.organisation.public_id),
                )
            cases.extend(batch)
    return cases


def _real_run(*, seeded: Seeded, cases: list[Case]) -> AllocationRun:
    """One run through the real actions: open requests on the travel-planned cases, the
    network's whole pledge snapshot, solved with a short time limit."""
    programs = _programs()
    planned = [case for case in cases if case.state == CaseState.TRAVEL_PLANNED][:100]
    for number, case in enumerate(planned):
        travel_request(case, program=programs[number % len(programs)], travellers=1 + number % 3)
    with transaction.atomic():
        run = bookings_actions.do_start_run(
            actor=seeded.members[Role.TRAVEL_COORDINATOR].user,
            organisation=seeded.organisation,
            cash_budget=Decimal(2_000),
            currency="USD",
            time_limit_seconds=10,
        )
    return bookings_actions.do_solve_run(run_id=run.public_id)


def _runs_and_trips(
    *, seeded: Seeded, sizes: Sizes, cases: list[Case], today: datetime.date
) -> None:
    """Allocation runs and trips as placeholders (a real solve per run would take hours)."""
    coordinator = seeded.members[Role.TRAVEL_COORDINATOR].user
    statuses = [RunStatus.DONE, RunStatus.DONE, RunStatus.FAILED, RunStatus.CANCELLED]
    real = _real_run(seeded=seeded, cases=cases)
    with transaction.atomic():
        runs = AllocationRun.objects.bulk_create(
            AllocationRun(
                organisation=seeded.organisation,
                started_by=coordinator,
                started_on=today - datetime.timedelta(days=number * 2),
                status=statuses[number % len(statuses)],
                cash_budget=real.cash_budget,
                time_limit_seconds=real.time_limit_seconds,
                # A done run keeps its documents (the whole pledge snapshot) as real ones do.
                problem=real.problem if number % 4 < 2 else {},
                pledge_snapshot=real.pledge_snapshot if number % 4 < 2 else {},
                request_snapshot=real.request_snapshot if number % 4 < 2 else {},
                plan=real.plan if number % 4 < 2 else None,
                travellers_served=number % 7,
            )
            for number in range(1, sizes.runs)
        )
        runs = list(AllocationRun.objects.filter(organisation=seeded.organisation).order_by("pk"))
    pledges = list(Pledge.objects.filter(status="confirmed").order_by("pk")[: sizes.trips])
    for chunk in _chunks(min(sizes.trips, len(cases), len(pledges))):
        with transaction.atomic():
            trips = []
            for number in chunk:
                trips.append(
                    Trip.objects.create(
                        organisation=seeded.organisation,
                        case=cases[number],
                        run=runs[number % len(runs)],
                        request_ref=str(uuid.uuid4()),
                        option_ref="option",
                        travellers=1 + number % 3,
                        accepted_by=coordinator,
                        accepted_on=today - datetime.timedelta(days=number % 300),
                        record_public_key=b"\0" * 32,
                        record_private_key=b"placeholder",
                    )
                )
            BookingRequest.objects.bulk_create(
                BookingRequest(
                    trip=trip,
                    run=trip.run,
                    request_ref=trip.request_ref,
                    fare_ref="fare",
                    traveller_numbers=[1],
                    pledge=pledges[number],
                    program=pledges[number].program.code,
                    miles=20_000,
                    ledger_points=20_000,
                    status=BookingStatus.SENT,
                    link_version=1,
                    created_on=trip.accepted_on,
                )
                for number, trip in zip(chunk, trips, strict=True)
            )


def load_seeded() -> Seeded:
    """The organisation and staff of an earlier ``seed`` in this database (to measure again
    after a change without seeding again)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safepassage.accounts.models import Membership

    def staff(membership: Membership) -> StaffMember:
        return StaffMember(
            user=membership.user,
            organisation=membership.organisation,
            role=membership.role,
            device=TOTPDevice.objects.get(user=membership.user),
        )

    from tests.factories import UserFactory

    from safepassage.accounts.models import User

    # The factories' sequences restart in a new process: go past the rows they made.
    UserFactory.reset_sequence(User.objects.count() + 1)
    OrganisationFactory.reset_sequence(Organisation.objects.count() + 1)
    organisation = Organisation.objects.get(name="Bench Network")
    members = {
        membership.role: staff(membership)
        for membership in Membership.objects.filter(organisation=organisation)
    }
    outsider = Membership.objects.get(organisation__name="Other Network")
    return Seeded(organisation=organisation, members=members, outsider=staff(outsider))


def seed(*, sizes: Sizes, progress: Callable[[str], None] = print) -> Seeded:
    """Create the organisation, its staff and ``sizes`` rows; returns who is who."""
    rng = random.Random(2026)
    today = timezone.localdate()
    organisation = OrganisationFactory.create(name="Bench Network")
    members: dict[Role | str, StaffMember] = {
        role: make_staff(role, organisation)
        for role in (
            Role.ADMIN,
            Role.CASEWORKER,
            Role.TRAVEL_COORDINATOR,
            Role.FUNDRAISER,
            Role.VIEWER,
        )
    }
    seeded = Seeded(
        organisation=organisation,
        members=members,
        outsider=make_staff(Role.ADMIN, OrganisationFactory.create(name="Other Network")),
    )
    steps: list[tuple[str, Callable[[], object]]] = []
    campaigns: list[Campaign] = []
    cases: list[Case] = []

    def campaigns_step() -> None:
        campaigns.extend(_campaigns(seeded=seeded, sizes=sizes, today=today))

    def cases_step() -> None:
        cases.extend(_cases(seeded=seeded, sizes=sizes, today=today))

    steps = [
        ("campaigns and events", campaigns_step),
        ("pledges", lambda: _pledges(sizes=sizes, campaigns=campaigns, rng=rng, today=today)),
        (
            "gifts",
            lambda: _gifts(seeded=seeded, sizes=sizes, campaigns=campaigns, rng=rng, today=today),
        ),
        ("cases", cases_step),
        (
            "runs and trips",
            lambda: _runs_and_trips(seeded=seeded, sizes=sizes, cases=cases, today=today),
        ),
    ]
    for name, step in steps:
        started = timezone.now()
        step()
        progress(f"seeded {name} in {(timezone.now() - started).total_seconds():.0f} s")
    return seeded

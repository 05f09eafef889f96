"""The demo network: fictional organisations resembling the real one, a user per role.

Demo credentials are random and printed once by ``safepassage demo``; every demo
user's e-mail ends in ``@demo.safepassage.invalid`` so it can never receive mail.
"""

import base64
import datetime
import secrets
import uuid
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from safepassage.accounts.actions import new_authenticator
from safepassage.accounts.models import Membership, User
from safepassage.accounts.roles import Role
from safepassage.audit.actions import SYSTEM_ACTOR, record_audit_event
from safepassage.bookings.demo import seed_demo_trip
from safepassage.cases.demo import seed_demo_keys
from safepassage.core.money import Money
from safepassage.donations.gifts import actions as gift_actions
from safepassage.donations.models import Campaign, GiftSource, Program, SponsorMatch
from safepassage.donations.pledges import actions as pledge_actions
from safepassage.events.models import Event, ProgrammeItem, ProgrammeKind
from safepassage.intake.demo import seed_demo_intake
from safepassage.organisations.models import Organisation, OrganisationKind, Partnership
from safepassage.pathways.demo import seed_demo_pathways
from safepassage.transparency.demo import seed_demo_transparency
from safepassage.travel.demo import seed_demo_catalogue_maintainer, seed_demo_routes

DEMO_DOMAIN = "demo.safepassage.invalid"

ORGANISATIONS = [
    (
        "Northern Path",
        OrganisationKind.CASE_ORGANISATION,
        "Case organisation evacuating LGBT people from the North Caucasus (fictional).",
    ),
    (
        "Open Sky Relocation Fund",
        OrganisationKind.FUND,
        "International relocation fund paying for safe passage (fictional).",
    ),
    (
        "Equal Voices",
        OrganisationKind.FUND,
        "Advocacy group running an evacuation fund (fictional).",
    ),
    (
        "Harbour Lights Evenings",
        OrganisationKind.EVENT_ORGANISER,
        "Event organiser in Hong Kong raising money and miles (fictional).",
    ),
]

# (e-mail local part, display name, organisation, role)
USERS = [
    ("admin", "Alex (admin)", "Northern Path", Role.ADMIN),
    ("caseworker", "Kamila (caseworker)", "Northern Path", Role.CASEWORKER),
    ("coordinator", "Timur (travel coordinator)", "Northern Path", Role.TRAVEL_COORDINATOR),
    ("fundraiser", "Fern (fundraiser)", "Open Sky Relocation Fund", Role.FUNDRAISER),
    ("viewer", "Vera (viewer)", "Northern Path", Role.VIEWER),
    ("fund-admin", "Olu (fund admin)", "Open Sky Relocation Fund", Role.ADMIN),
    ("equal-admin", "Eli (Equal Voices admin)", "Equal Voices", Role.ADMIN),
    ("events-admin", "Hana (events admin)", "Harbour Lights Evenings", Role.ADMIN),
]


@dataclass(frozen=True)
class DemoCredential:
    email: str
    password: str
    organisation: str
    role: str
    totp_secret: str
    totp_url: str


def demo_exists() -> bool:
    return User.objects.filter(email__endswith="@" + DEMO_DOMAIN).exists()


def seed_demo() -> list[DemoCredential]:
    """Create the demo network and return the credentials (shown once)."""
    credentials: list[DemoCredential] = []
    with transaction.atomic():
        organisations = {
            name: Organisation.objects.create(name=name, kind=kind, description=description)
            for name, kind, description in ORGANISATIONS
        }
        case_organisation = organisations["Northern Path"]
        for name, organisation in organisations.items():
            if name != case_organisation.name:
                Partnership.objects.create(organisation=case_organisation, partner=organisation)
                Partnership.objects.create(organisation=organisation, partner=case_organisation)
        for local_part, display_name, organisation_name, role in USERS:
            password = "-".join(secrets.token_urlsafe(6) for _ in range(3))
            user = User.objects.create_user(
                email=f"{local_part}@{DEMO_DOMAIN}", password=password, display_name=display_name
            )
            Membership.objects.create(
                user=user, organisation=organisations[organisation_name], role=role
            )
            device = new_authenticator(user=user, name="demo authenticator", confirmed=True)
            credentials.append(
                DemoCredential(
                    email=user.email,
                    password=password,
                    organisation=organisation_name,
                    role=str(role.label),
                    totp_secret=base64.b32encode(device.bin_key).decode("ascii").rstrip("="),
                    totp_url=device.config_url,
                )
            )
        seed_demo_keys(credentials=credentials, organisations=list(organisations.values()))
        seed_demo_intake(organisations=organisations)
        seed_campaigns_and_events(organisations=organisations)
        seed_pledges_and_gifts(organisations=organisations)
        seed_demo_routes()
        seed_demo_catalogue_maintainer(email=f"admin@{DEMO_DOMAIN}")
        seed_demo_pathways(organisations=organisations)
        seed_demo_trip(credentials=credentials, organisations=organisations)
        seed_demo_transparency()
        record_audit_event(
            actor_ref=SYSTEM_ACTOR, action="demo.seeded", object_type="network", object_ref="demo"
        )
    return credentials


def seed_campaigns_and_events(*, organisations: dict[str, Organisation]) -> None:
    """Live demo campaigns (one with a sponsor match) and the Hong Kong evening.

    Every name is fictional. Pledges are added by the pledge demo; totals start honest at
    zero. Created directly (the system is the actor), audited like staff-made ones.
    """
    today = timezone.localdate()
    fund = organisations["Open Sky Relocation Fund"]
    case_organisation = organisations["Northern Path"]
    equal_voices = organisations["Equal Voices"]
    evenings = organisations["Harbour Lights Evenings"]
    winter = Campaign.objects.create(
        slug="winter-passage",
        title="Winter Passage Appeal",
        story=(
            "Every winter the roads out close and the risks grow. Your miles and gifts buy "
            "one-way tickets to safety for people our partners have verified."
        ),
        organisation=fund,
        goal_money=Decimal(60_000),
        goal_currency="USD",
        goal_miles=1_500_000,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=90),
        is_published=True,
    )
    winter.beneficiaries.set([case_organisation])
    SponsorMatch.objects.create(
        campaign=winter,
        sponsor_name="Lantern Foundation (fictional)",
        ratio=Decimal(1),
        cap=Decimal(10_000),
        currency="USD",
    )
    safe_homes = Campaign.objects.create(
        slug="safe-homes",
        title="Safe Homes After Arrival",
        story="The first months after arrival: rent, documents and a place to rest.",
        organisation=equal_voices,
        goal_money=Decimal(20_000),
        goal_currency="EUR",
        goal_miles=500_000,
        starts_on=today,
        is_published=True,
    )
    safe_homes.beneficiaries.set([case_organisation])
    harbour = Campaign.objects.create(
        slug="harbour-lights",
        title="Harbour Lights for Safe Passage",
        story="Raised on the night in Hong Kong and online.",
        organisation=evenings,
        goal_money=Decimal(400_000),
        goal_currency="HKD",
        goal_miles=2_000_000,
        starts_on=today,
        is_published=True,
    )
    harbour.beneficiaries.set([case_organisation, fund])
    hong_kong = zoneinfo.ZoneInfo("Asia/Hong_Kong")
    evening = datetime.datetime.combine(
        today + datetime.timedelta(days=14), datetime.time(19, 0), tzinfo=hong_kong
    )
    event = Event.objects.create(
        slug="harbour-lights-evening",
        title="Harbour Lights Evening",
        organiser=evenings,
        campaign=harbour,
        venue="Harbourside Hall, Central, Hong Kong (fictional)",
        time_zone="Asia/Hong_Kong",
        starts_at=evening,
        ends_at=evening + datetime.timedelta(hours=3, minutes=30),
        description=(
            "An evening of music and conversation raising money and miles for safe passage."
        ),
        remote_session="A live video call with a caseworker, shown on the big screen.",
        is_published=True,
    )
    event.beneficiaries.set([case_organisation, fund])
    for offset, title, kind in (
        (0, "Welcome from the organisers", ProgrammeKind.TALK),
        (30, "Remote session: a caseworker on what a ticket changes", ProgrammeKind.REMOTE_SESSION),
        (75, "Panel: getting people out safely", ProgrammeKind.PANEL),
        (135, "The Tideline Quartet (fictional)", ProgrammeKind.PERFORMANCE),
        (170, "Drag cabaret: The Lantern Sisters (fictional)", ProgrammeKind.PERFORMANCE),
    ):
        ProgrammeItem.objects.create(
            event=event,
            starts_at=evening + datetime.timedelta(minutes=offset),
            title=title,
            kind=kind,
        )
    for campaign in (winter, safe_homes, harbour):
        record_audit_event(
            actor_ref=SYSTEM_ACTOR,
            action="campaign.created",
            object_type="campaign",
            object_ref=str(campaign.public_id),
            organisation_ref=str(campaign.organisation.public_id),
        )
    record_audit_event(
        actor_ref=SYSTEM_ACTOR,
        action="event.created",
        object_type="event",
        object_ref=str(event.public_id),
        organisation_ref=str(evenings.public_id),
    )


@dataclass(frozen=True, kw_only=True)
class DemoPledge:
    """One fictional donor's pledge; ``campaign`` is a slug, or ``None`` for the shared pool."""

    donor: str
    program: str
    miles: int
    expires_in_days: int
    campaign: str | None
    display_name: str = ""
    transfer_partner: str | None = None
    max_travellers: int | None = None
    withdraw: bool = False


DEMO_PLEDGES = [
    DemoPledge(
        donor="maya",
        program="UA",
        miles=60_000,
        expires_in_days=540,
        campaign="winter-passage",
        display_name="Maya R. (fictional)",
    ),
    DemoPledge(donor="pledger-2", program="AC", miles=45_000, expires_in_days=400, campaign=None),
    DemoPledge(
        donor="tideline",
        program="FB",
        miles=80_000,
        expires_in_days=300,
        campaign="harbour-lights",
        display_name="The Tideline Quartet (fictional)",
    ),
    DemoPledge(
        donor="pledger-4",
        program="DL",
        miles=40_000,
        expires_in_days=365,
        campaign="harbour-lights",
    ),
    DemoPledge(
        donor="sam",
        program="AMEX_MR",
        transfer_partner="AC",
        miles=100_000,
        expires_in_days=700,
        campaign="safe-homes",
        display_name="Sam K. (fictional)",
    ),
    DemoPledge(
        donor="pledger-6",
        program="QR",
        miles=50_000,
        max_travellers=4,
        expires_in_days=450,
        campaign="safe-homes",
    ),
    # Expires within 30 days: the staff forecast shows it.
    DemoPledge(donor="pledger-7", program="BA", miles=30_000, expires_in_days=20, campaign=None),
    # Expires within 90 days (not 30): the reports page's "about to expire" table shows it
    # in its 90-day column for the Open Sky fund, which runs the campaign. Qatar Airways
    # miles: the demo trips (Turkish Airlines, United miles) never use them.
    DemoPledge(
        donor="pledger-8",
        program="QR",
        miles=35_000,
        max_travellers=2,
        expires_in_days=60,
        campaign="winter-passage",
    ),
    # Confirmed, then withdrawn by the donor: counts nowhere, stays in the ledger.
    DemoPledge(
        donor="ines",
        program="EK",
        miles=25_000,
        expires_in_days=365,
        campaign="winter-passage",
        display_name="Ines P. (fictional)",
        withdraw=True,
    ),
]


@dataclass(frozen=True, kw_only=True)
class DemoGift:
    """A cash gift entered by a staff member; ``campaign`` ``None`` means the general fund."""

    recorded_by: str
    campaign: str | None
    amount: str
    currency: str
    source: str
    days_ago: int
    donor_name: str = ""
    donor: str = ""


DEMO_GIFTS = [
    DemoGift(
        recorded_by="fundraiser",
        campaign="winter-passage",
        amount="2500.00",
        currency="USD",
        source=GiftSource.BANK_TRANSFER,
        days_ago=3,
        donor_name="Priya N. (fictional)",
        donor="priya",
    ),
    DemoGift(
        recorded_by="fundraiser",
        campaign="winter-passage",
        amount="1200.00",
        currency="USD",
        source=GiftSource.OTHER,
        days_ago=1,
    ),
    DemoGift(
        recorded_by="fundraiser",
        campaign="winter-passage",
        amount="350.00",
        currency="EUR",
        source=GiftSource.BANK_TRANSFER,
        days_ago=2,
        donor="giver-3",
    ),
    DemoGift(
        recorded_by="fund-admin",
        campaign=None,
        amount="5000.00",
        currency="GBP",
        source=GiftSource.BANK_TRANSFER,
        days_ago=6,
        donor_name="Rowan Trust (fictional)",
        donor="rowan",
    ),
    DemoGift(
        recorded_by="fund-admin",
        campaign=None,
        amount="1000.00",
        currency="USD",
        source=GiftSource.OTHER,
        days_ago=4,
    ),
    DemoGift(
        recorded_by="equal-admin",
        campaign="safe-homes",
        amount="1500.00",
        currency="EUR",
        source=GiftSource.BANK_TRANSFER,
        days_ago=5,
        donor_name="Jonas W. (fictional)",
        donor="jonas",
    ),
    DemoGift(
        recorded_by="equal-admin",
        campaign="safe-homes",
        amount="400.00",
        currency="EUR",
        source=GiftSource.OTHER,
        days_ago=2,
    ),
    DemoGift(
        recorded_by="events-admin",
        campaign="harbour-lights",
        amount="12000.00",
        currency="HKD",
        source=GiftSource.CASH_AT_EVENT,
        days_ago=0,
    ),
    DemoGift(
        recorded_by="events-admin",
        campaign="harbour-lights",
        amount="8800.00",
        currency="HKD",
        source=GiftSource.BANK_TRANSFER,
        days_ago=1,
        donor_name="Wing L. (fictional)",
        donor="wing",
    ),
]

# Earlier months (the reports page shows money raised per month): gifts to the Open Sky
# fund's general fund over the last four months (its campaign started today).
DEMO_GIFTS += [
    DemoGift(
        recorded_by="fund-admin",
        campaign=None,
        amount="3000.00",
        currency="USD",
        source=GiftSource.BANK_TRANSFER,
        days_ago=40,
        donor_name="Rowan Trust (fictional)",
        donor="rowan",
    ),
    DemoGift(
        recorded_by="fund-admin",
        campaign=None,
        amount="750.00",
        currency="USD",
        source=GiftSource.OTHER,
        days_ago=75,
    ),
    DemoGift(
        recorded_by="fund-admin",
        campaign=None,
        amount="1250.00",
        currency="GBP",
        source=GiftSource.BANK_TRANSFER,
        days_ago=110,
        donor="giver-9",
    ),
]

#: Fictional rates into the gift reports' currency (EUR), for the reporting conversion.
DEMO_EXCHANGE_RATES = [
    ("USD", "EUR", Decimal("0.92")),
    ("GBP", "EUR", Decimal("1.17")),
    ("HKD", "EUR", Decimal("0.118")),
]


def seed_pledges_and_gifts(*, organisations: dict[str, Organisation]) -> None:
    """Fictional pledges and cash gifts, made through the real actions as the pledge and
    staff gift views do, so the ledger, the audit chain and every total agree.

    Every donor address ends in ``@demo.safepassage.invalid``: the confirmation, manage
    link and receipt e-mails the actions queue can never reach anyone.
    """
    today = timezone.localdate()
    campaigns = {
        campaign.slug: campaign
        for campaign in Campaign.objects.filter(
            slug__in=["winter-passage", "safe-homes", "harbour-lights"]
        )
    }
    programs = {program.code: program for program in Program.objects.all()}
    for entry in DEMO_PLEDGES:
        terms = pledge_actions.PledgeTerms(
            program=programs[entry.program],
            miles=entry.miles,
            expires_on=today + datetime.timedelta(days=entry.expires_in_days),
            max_travellers=entry.max_travellers,
            transfer_partner=programs[entry.transfer_partner] if entry.transfer_partner else None,
        )
        pledge_actions.check_pledge_terms(terms=terms, today=today)
        pledge, _created = pledge_actions.do_submit_pledge(
            submission_token=uuid.uuid4().hex,
            terms=terms,
            donor_name=entry.display_name,
            email=f"{entry.donor}@{DEMO_DOMAIN}",
            is_anonymous=not entry.display_name,
            campaign=campaigns[entry.campaign] if entry.campaign else None,
            language="en",
        )
        pledge_actions.do_confirm_pledge(pledge_id=pledge.public_id, language="en")
        if entry.withdraw:
            pledge_actions.do_withdraw_pledge(pledge_id=pledge.public_id)
    staff = {user.email: user for user in User.objects.filter(email__endswith="@" + DEMO_DOMAIN)}
    staff_organisation = {
        f"{local_part}@{DEMO_DOMAIN}": organisations[organisation_name]
        for local_part, _display_name, organisation_name, _role in USERS
    }
    for gift in DEMO_GIFTS:
        email = f"{gift.recorded_by}@{DEMO_DOMAIN}"
        user, organisation = staff[email], staff_organisation[email]
        gift_actions.do_record_staff_gift(
            user=user,
            submission_key=uuid.uuid4().hex,
            destination=gift_actions.check_staff_gift_destination(
                organisation=organisation,
                campaign=campaigns[gift.campaign] if gift.campaign else None,
            ),
            amount=Money(amount=Decimal(gift.amount), currency=gift.currency),
            source=gift.source,
            received_on=today - datetime.timedelta(days=gift.days_ago),
            donor_name=gift.donor_name,
            donor_email=f"{gift.donor}@{DEMO_DOMAIN}" if gift.donor else "",
        )
    for base_currency, quote_currency, rate in DEMO_EXCHANGE_RATES:
        gift_actions.check_record_exchange_rate(
            base_currency=base_currency, quote_currency=quote_currency, rate=rate
        )
        gift_actions.do_record_exchange_rate(
            base_currency=base_currency,
            quote_currency=quote_currency,
            rate=rate,
            as_of=today,
            source="demo (fictional rate)",
        )

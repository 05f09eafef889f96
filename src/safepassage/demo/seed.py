"""The demo network: fictional organisations resembling the real one, a user per role.

Demo credentials are random and printed once by ``safepassage demo``; every demo
user's e-mail ends in ``@demo.safepassage.invalid`` so it can never receive mail.
"""

import base64
import datetime
import secrets
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from safepassage.accounts.models import Membership, User
from safepassage.accounts.roles import Role
from safepassage.audit.actions import SYSTEM_ACTOR, record_audit_event
from safepassage.cases.demo import seed_demo_keys
from safepassage.donations.models import Campaign, SponsorMatch
from safepassage.events.models import Event, ProgrammeItem, ProgrammeKind
from safepassage.organisations.models import Organisation, OrganisationKind, Partnership

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
            device = TOTPDevice.objects.create(user=user, name="demo authenticator", confirmed=True)
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
        seed_campaigns_and_events(organisations=organisations)
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

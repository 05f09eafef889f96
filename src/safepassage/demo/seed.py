"""The demo network: fictional organisations resembling the real one, a user per role.

Demo credentials are random and printed once by ``safepassage demo``; every demo
user's e-mail ends in ``@demo.safepassage.invalid`` so it can never receive mail.
"""

import base64
import secrets
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from safepassage.accounts.models import Membership, User
from safepassage.accounts.roles import Role
from safepassage.audit.actions import SYSTEM_ACTOR, record_audit_event
from safepassage.cases.demo import seed_demo_keys
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
        record_audit_event(
            actor_ref=SYSTEM_ACTOR, action="demo.seeded", object_type="network", object_ref="demo"
        )
    return credentials

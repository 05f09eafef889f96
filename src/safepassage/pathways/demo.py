"""Demo pathways: visas talked through with five countries, as in 2017 (fictional notes).

Lithuania and France pledged to receive people; Germany, Canada and the Netherlands are
negotiating. The demo case (destination BER) waits on the German pathway. Called once from
``safepassage.demo.seed.seed_demo``, through the real actions, so every step is audited.
"""

from django.db import transaction
from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.accounts.roles import Role
from safepassage.cases.models import Case
from safepassage.organisations.models import Organisation
from safepassage.pathways import actions
from safepassage.pathways.models import ContactKind, Stance

# (country, stance, notes, quota places, used, visa type, processing days, contact)
DEMO_PATHWAYS = [
    (
        "LT",
        Stance.PLEDGED,
        "Fictional: the ministry pledged humanitarian visas; applications go through the "
        "consulate with a letter from us.",
        20,
        6,
        "D (humanitarian)",
        14,
        ("Demo Official (fictional)", "Ministry of the Interior (fictional desk)"),
    ),
    (
        "FR",
        Stance.PLEDGED,
        "Fictional: asylum visas at the consulate; the embassy contact confirms each file.",
        15,
        3,
        "Asylum visa (D)",
        21,
        ("Demo Consul (fictional)", "Consulate visa section (fictional)"),
    ),
    (
        "DE",
        Stance.NEGOTIATING,
        "Fictional: talks on admissions under the humanitarian clause; next meeting pending.",
        10,
        0,
        "Humanitarian admission",
        45,
        ("Demo Adviser (fictional)", "Refugee support NGO (fictional)"),
    ),
    (
        "CA",
        Stance.NEGOTIATING,
        "Fictional: private sponsorship route discussed with a partner NGO.",
        8,
        0,
        "Temporary resident permit",
        60,
        ("Demo Sponsor Lead (fictional)", "Settlement NGO (fictional)"),
    ),
    (
        "NL",
        Stance.NEGOTIATING,
        "Fictional: case-by-case talks with the ministry; no quota agreed yet.",
        0,
        0,
        "MVV (humanitarian)",
        90,
        ("Demo Liaison (fictional)", "Ministry liaison office (fictional)"),
    ),
]
LINKED_COUNTRY = "DE"


def seed_demo_pathways(*, organisations: dict[str, Organisation]) -> None:
    """Give the demo case organisation its five pathways and link the demo case to one."""
    organisation = organisations["Northern Path"]
    admin = User.objects.filter(
        memberships__organisation=organisation, memberships__role=Role.ADMIN
    ).first()
    if admin is None:
        return
    year = timezone.localdate().year
    with transaction.atomic():
        for country, stance, notes, places, used, visa, days, contact in DEMO_PATHWAYS:
            pathway = actions.do_create_pathway(
                actor=admin, organisation=organisation, country=country, stance=stance, notes=notes
            )
            if places:
                actions.do_set_quota(
                    actor=admin, pathway=pathway, year=year, total=places, used=used
                )
            actions.do_add_visa_type(
                actor=admin, pathway=pathway, name=visa, typical_processing_days=days, notes=""
            )
            actions.do_add_contact(
                actor=admin,
                pathway=pathway,
                kind=ContactKind.OFFICIAL if "Ministry" in contact[1] else ContactKind.NGO,
                details=actions.ContactDetails(
                    name=contact[0], affiliation=contact[1], reach="demo.invalid (fictional)"
                ),
            )
            case = Case.objects.filter(organisation=organisation).order_by("pk").first()
            if country == LINKED_COUNTRY and case is not None:
                actions.do_link_case(actor=admin, case=case, pathway=pathway)

"""The program catalogue: seeded from the reviewed data file, public list, staff facts, edits."""

import datetime
import importlib
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.donations.models import (
    DelegatedBooking,
    FactConfidence,
    FactTopic,
    Program,
    ProgramFact,
    TransferPartner,
)
from tests.donations.factories import ensure_catalogue
from tests.factories import StaffMember, make_staff, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalogue() -> None:
    ensure_catalogue()


DATA_FILE = Path("src/safepassage/donations/data/programs.json")
PROGRAMS_IN_RESEARCH = {
    "UA", "AA", "DL", "AS", "AC", "FB", "BA", "LH", "TK", "EK", "QR", "WN", "B6", "SQ", "EY",
    "CHASE_UR", "AMEX_MR", "CAPONE", "CITI_TY", "BILT",
}  # fmt: skip
loader = importlib.import_module("safepassage.donations.migrations.0004_load_program_catalogue")
delegation_seed = importlib.import_module(
    "safepassage.donations.migrations.0009_seed_delegated_booking"
)


def _load_again() -> None:
    loader.load_catalogue(
        programs=json.loads(DATA_FILE.read_text(encoding="utf-8"))["programs"],
        program_model=Program,
        fact_model=ProgramFact,
        partner_model=TransferPartner,
    )


def test_the_migration_seeded_every_researched_program_with_dated_sourced_facts() -> None:
    # given the migrated database
    # then every program of PROGRAMS.md is there, each fact with a source and a date
    assert set(Program.objects.values_list("code", flat=True)) >= PROGRAMS_IN_RESEARCH
    assert not ProgramFact.objects.filter(source="").exists()
    assert not ProgramFact.objects.filter(as_of__isnull=True).exists()
    # and what was not found or is doubtful is seeded as such
    assert ProgramFact.objects.filter(confidence=FactConfidence.NOT_FOUND).count() > 10
    assert ProgramFact.objects.filter(confidence=FactConfidence.LOW).exists()
    assert ProgramFact.objects.filter(confidence=FactConfidence.UNVERIFIED).exists()
    krisflyer = Program.objects.get(code="SQ")
    assert (krisflyer.booking_for_others, krisflyer.nominee_limit) == ("named_nominees", 5)
    chase = Program.objects.get(code="CHASE_UR")
    assert chase.transfer_partners.filter(airline_program__code="UA").exists()
    capital_one_to_jetblue = TransferPartner.objects.get(
        bank_program__code="CAPONE", airline_program__code="B6"
    )
    assert (capital_one_to_jetblue.points_in, capital_one_to_jetblue.miles_out) == (5, 3)


def test_loading_again_changes_nothing_and_keeps_admin_edits() -> None:
    # given an admin's correction
    Program.objects.filter(code="UA").update(minimum_pledge=12_500)
    counts = (Program.objects.count(), ProgramFact.objects.count(), TransferPartner.objects.count())
    # when the loader runs again
    _load_again()
    # then nothing is duplicated and the correction stands
    assert counts == (
        Program.objects.count(),
        ProgramFact.objects.count(),
        TransferPartner.objects.count(),
    )
    assert Program.objects.get(code="UA").minimum_pledge == 12_500


def test_unloading_removes_the_seeded_rows_and_loading_restores_them() -> None:
    programs = json.loads(DATA_FILE.read_text(encoding="utf-8"))["programs"]
    models = {
        "program_model": Program,
        "fact_model": ProgramFact,
        "partner_model": TransferPartner,
    }
    # (in migration order, backwards: the delegated-booking facts first)
    delegation_seed.unseed_delegated_booking(program_model=Program, fact_model=ProgramFact)
    loader.unload_catalogue(programs=programs, **models)
    assert not Program.objects.filter(code__in=PROGRAMS_IN_RESEARCH).exists()
    loader.load_catalogue(programs=programs, **models)
    assert Program.objects.filter(code__in=PROGRAMS_IN_RESEARCH).count() == 20
    assert apps.get_model("donations", "ProgramFact").objects.count() > 100


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("AA", DelegatedBooking.DONOR_MUST_BOOK),
        ("BA", DelegatedBooking.DONOR_MUST_BOOK),
        ("CHASE_UR", DelegatedBooking.DONOR_MUST_BOOK),
        ("AMEX_MR", DelegatedBooking.DONOR_MUST_BOOK),
        ("CAPONE", DelegatedBooking.DONOR_MUST_BOOK),
        ("CITI_TY", DelegatedBooking.DONOR_MUST_BOOK),
        ("BILT", DelegatedBooking.DONOR_MUST_BOOK),
        ("UA", DelegatedBooking.WITH_CONSENT),
        ("TK", DelegatedBooking.WITH_CONSENT),
        ("SQ", DelegatedBooking.WITH_CONSENT),
    ],
)
def test_the_migration_seeded_who_may_book_with_its_source(code: str, rule: str) -> None:
    # given the migrated database
    program = Program.objects.get(code=code)
    # then the program says who may book, and a dated fact names the source
    assert program.delegated_booking == rule
    fact = program.facts.get(topic=FactTopic.DELEGATED_BOOKING)
    assert "Miles4Migrants Terms of Pledge" in fact.source
    assert "27 Mar 2024" in fact.source
    assert fact.as_of == datetime.date(2024, 3, 27)
    assert fact.confidence == FactConfidence.SOURCED


def test_every_researched_program_has_a_rule_and_others_stay_unknown() -> None:
    # given the seeded catalogue and a program the source does not cover
    other = Program.objects.create(code="ZZTEST", name="Not in the research", kind="airline")
    delegation_seed.seed_delegated_booking(program_model=Program, fact_model=ProgramFact)
    # then every program of the research has a rule, and the other one stays unknown
    assert not Program.objects.filter(
        code__in=PROGRAMS_IN_RESEARCH, delegated_booking=DelegatedBooking.UNKNOWN
    ).exists()
    other.refresh_from_db()
    assert other.delegated_booking == DelegatedBooking.UNKNOWN
    assert not other.facts.exists()


def test_seeding_again_keeps_an_admin_correction_and_adds_no_fact() -> None:
    # given an admin who decided the fund never books with United accounts
    Program.objects.filter(code="UA").update(delegated_booking=DelegatedBooking.DONOR_MUST_BOOK)
    facts = ProgramFact.objects.count()
    # when the seed runs again
    delegation_seed.seed_delegated_booking(program_model=Program, fact_model=ProgramFact)
    # then the correction stands and nothing is duplicated
    assert Program.objects.get(code="UA").delegated_booking == DelegatedBooking.DONOR_MUST_BOOK
    assert ProgramFact.objects.count() == facts


def test_unseeding_removes_the_rules_and_their_facts() -> None:
    delegation_seed.unseed_delegated_booking(program_model=Program, fact_model=ProgramFact)
    assert not ProgramFact.objects.filter(topic=FactTopic.DELEGATED_BOOKING).exists()
    assert set(
        Program.objects.filter(code__in=PROGRAMS_IN_RESEARCH).values_list(
            "delegated_booking", flat=True
        )
    ) == {DelegatedBooking.UNKNOWN}


def test_the_public_catalogue_lists_programs_without_sources() -> None:
    response = Client().get(reverse("donations:catalogue"))
    assert response.status_code == 200
    assert "Singapore Airlines KrisFlyer" in response.text
    assert "Chase Ultimate Rewards" in response.text
    assert "milelion.com" not in response.text
    # and says who books with each program's miles
    assert "Who books the ticket" in response.text
    assert "You, or the fund with your access if you agree" in response.text


def test_staff_see_every_fact_with_its_confidence() -> None:
    client = sign_in(Client(), make_staff(Role.CASEWORKER))
    response = client.get(reverse("donations:program_facts"))
    assert response.status_code == 200
    assert "Not found" in response.text
    assert "Low confidence" in response.text
    assert "treat as unknown" in response.text
    assert "milelion.com" in response.text
    assert "Booking with the donor&#x27;s access" in response.text
    assert "miles4migrants.org/terms-of-pledge/" in response.text
    assert reverse("donations:program_edit", kwargs={"program_code": "UA"}) not in response.text


def _edit_payload(program: Program, **changes: object) -> dict[str, object]:
    facts = list(program.facts.order_by("topic", "pk"))
    payload: dict[str, object] = {
        "program-name": program.name,
        "program-kind": program.kind,
        "program-alliance": program.alliance,
        "program-operating_carrier": program.operating_carrier,
        "program-minimum_pledge": "",
        "program-booking_for_others": program.booking_for_others,
        "program-delegated_booking": program.delegated_booking,
        "program-nominee_limit": program.nominee_limit or "",
        "program-nominee_change_wait_days": program.nominee_change_wait_days or "",
        "program-member_transfer": program.member_transfer,
        "program-expiry_policy": program.expiry_policy,
        "program-is_active": "on",
        "facts-TOTAL_FORMS": len(facts) + 1,
        "facts-INITIAL_FORMS": len(facts),
        "facts-MIN_NUM_FORMS": 0,
        "facts-MAX_NUM_FORMS": 1000,
    }
    for index, fact in enumerate(facts):
        payload |= {
            f"facts-{index}-id": fact.pk,
            f"facts-{index}-topic": fact.topic,
            f"facts-{index}-statement": fact.statement,
            f"facts-{index}-source": fact.source,
            f"facts-{index}-as_of": fact.as_of.isoformat() if fact.as_of else "",
            f"facts-{index}-confidence": fact.confidence,
        }
    return payload | changes


def _grant(staff: StaffMember) -> None:
    call_command("catalogue_maintainers", "grant", "--email", staff.user.email, stdout=None)


def test_a_catalogue_maintainer_corrects_a_program_and_adds_a_fact_audited() -> None:
    # given a catalogue maintainer named by the operator (decision 0017)
    admin = make_staff(Role.ADMIN)
    _grant(admin)
    program = Program.objects.get(code="UA")
    new_fact = len(program.facts.all())
    # when they set the minimum pledge and add a sourced fact
    response = sign_in(Client(), admin).post(
        reverse("donations:program_edit", kwargs={"program_code": "UA"}),
        _edit_payload(
            program,
            **{
                "program-minimum_pledge": "12500",
                f"facts-{new_fact}-topic": "minimum",
                f"facts-{new_fact}-statement": "Our minimum for one domestic ticket.",
                f"facts-{new_fact}-source": "Fund policy",
                f"facts-{new_fact}-as_of": "2026-11-25",
                f"facts-{new_fact}-confidence": "sourced",
            },
        ),
    )
    # then both are saved and the change is in the audit trail, by program code only
    assert response.status_code == 302
    assert Program.objects.get(code="UA").minimum_pledge == 12_500
    assert program.facts.filter(statement="Our minimum for one domestic ticket.").exists()
    event = AuditEvent.objects.get(action="program.updated")
    assert (event.actor, event.object_ref) == (str(admin.user.public_id), "UA")


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FUNDRAISER, Role.CASEWORKER, Role.VIEWER])
def test_no_organisation_role_edits_a_program_and_nothing_is_written(role: str) -> None:
    # an organisation admin included: program facts are shared by every organisation
    program = Program.objects.get(code="UA")
    events_before = AuditEvent.objects.count()
    response = sign_in(Client(), make_staff(role)).post(
        reverse("donations:program_edit", kwargs={"program_code": "UA"}),
        _edit_payload(program, **{"program-minimum_pledge": "1"}),
    )
    assert response.status_code == 403
    assert Program.objects.get(code="UA").minimum_pledge is None
    assert AuditEvent.objects.count() == events_before


def test_an_admin_sees_no_edit_link_and_a_maintainer_does() -> None:
    admin = make_staff(Role.ADMIN)
    edit = reverse("donations:program_edit", kwargs={"program_code": "UA"})
    assert edit not in sign_in(Client(), admin).get(reverse("donations:program_facts")).text
    _grant(admin)
    assert edit in sign_in(Client(), admin).get(reverse("donations:program_facts")).text


def test_a_maintainer_with_a_stale_session_confirms_first_and_nothing_is_written() -> None:
    # given a maintainer whose last full authentication is old (SR-23)
    staff = make_staff(Role.ADMIN)
    _grant(staff)
    client = sign_in(Client(), staff, recently_authenticated=False)
    program = Program.objects.get(code="UA")
    events_before = AuditEvent.objects.filter(action="program.updated").count()
    # when they post an edit
    response = client.post(
        reverse("donations:program_edit", kwargs={"program_code": "UA"}),
        _edit_payload(program, **{"program-minimum_pledge": "1"}),
    )
    # then they are sent to confirm it is them, and nothing is written
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert Program.objects.get(code="UA").minimum_pledge is None
    assert AuditEvent.objects.filter(action="program.updated").count() == events_before

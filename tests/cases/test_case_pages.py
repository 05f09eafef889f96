"""Staff case pages: create, read (audited), workflow, notes, household, members, intake."""

import uuid

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.cases.actions import WorkflowFields, do_create_case_from_intake
from safepassage.cases.models import (
    Case,
    CaseGroupKey,
    CaseMember,
    CaseNote,
    CaseState,
    CaseTransition,
    HolderKind,
    HouseholdMember,
    OrganisationKeyring,
)
from safepassage.core.crypto import (
    FieldContext,
    IntakeValue,
    PublicKey,
    SensitiveGroup,
    seal_intake,
)
from tests.cases.factories import (
    keyed_organisation,
    make_case,
    make_keyed_staff,
    sign_in_with_keys,
)
from tests.factories import make_staff, sign_in

pytestmark = pytest.mark.django_db

NEW_CASE = {
    "full_name": "Aslan Testperson",
    "other_names": "",
    "contact": "signal only",
    "current_location": "a flat somewhere",
    "story": "Needs to leave soon.",
    "priority": "3",
    "risk": "4",
    "origin": "grv",
    "destination": "BER",
}


def _writes() -> tuple[int, ...]:
    return (
        Case.objects.count(),
        CaseGroupKey.objects.count(),
        CaseMember.objects.count(),
        CaseNote.objects.count(),
        CaseTransition.objects.count(),
        HouseholdMember.objects.count(),
        AuditEvent.objects.count(),
        len(mail.outbox),
    )


def test_a_caseworker_opens_a_case_and_reads_it_back() -> None:
    # Given a signed-in caseworker with unlocked keys
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    client = sign_in_with_keys(Client(), keyed)

    # When they open a case
    response = client.post(
        reverse("cases:create"), NEW_CASE | {"organisation": str(organisation.public_id)}
    )

    # Then it is stored with clear workflow fields only and shown decrypted to them
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:detail", kwargs={"case_id": case.public_id})
    assert (case.state, case.priority, case.risk, case.origin) == ("new", 3, 4, "GRV")
    assert b"Aslan" not in bytes(case.identity or b"")
    page = client.get(response["Location"]).content.decode()
    assert "Aslan Testperson" in page
    assert "Needs to leave soon." in page
    actions = list(AuditEvent.objects.values_list("action", "object_ref"))
    assert ("case.created", str(case.public_id)) in actions
    assert ("case.viewed", str(case.public_id)) in actions


def test_without_unlocked_keys_the_page_shows_no_sealed_value_and_audits_a_locked_view() -> None:
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=keyed, full_name="Hidden Name")
    client = sign_in(Client(), keyed.staff)

    page = client.get(reverse("cases:detail", kwargs={"case_id": case.public_id}))

    assert page.status_code == 200
    assert "Hidden Name" not in page.content.decode()
    assert not AuditEvent.objects.filter(action="case.viewed").exists()
    assert AuditEvent.objects.filter(action="case.viewed_locked").count() == 1


@pytest.mark.parametrize("role", [Role.FUNDRAISER, Role.VIEWER, Role.TRAVEL_COORDINATOR])
def test_roles_without_add_case_cannot_open_a_case_and_nothing_is_written(role: str) -> None:
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(role, organisation)
    client = sign_in_with_keys(Client(), keyed)
    before = _writes()

    response = client.post(
        reverse("cases:create"), NEW_CASE | {"organisation": str(organisation.public_id)}
    )

    assert response.status_code == 403
    assert _writes() == before


def test_a_caseworker_of_another_organisation_gets_404_and_writes_nothing() -> None:
    organisation, _ = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=owner)
    other_organisation, _ = keyed_organisation()
    outsider = make_keyed_staff(Role.CASEWORKER, other_organisation)
    client = sign_in_with_keys(Client(), outsider)
    before = _writes()

    for name, data in [
        ("cases:detail", None),
        ("cases:add_note", {"body": "x"}),
        ("cases:transition", {"target": "triaged", "reason": "x"}),
        ("cases:add_household_member", {"full_name": "x"}),
        ("cases:add_member", {"member": str(outsider.user.public_id)}),
        ("cases:take", {}),
    ]:
        url = reverse(name, kwargs={"case_id": case.public_id})
        assert client.get(url).status_code == 404, name
        if data is not None:
            assert client.post(url, data).status_code == 404, name

    assert _writes() == before


def test_a_case_id_that_does_not_exist_answers_like_a_forbidden_one() -> None:
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    client = sign_in_with_keys(Client(), keyed)

    response = client.get(reverse("cases:detail", kwargs={"case_id": uuid.uuid4()}))

    assert response.status_code == 404


def test_a_colleague_not_on_the_case_gets_404() -> None:
    organisation, _ = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=owner)
    colleague = make_keyed_staff(Role.CASEWORKER, organisation)

    response = sign_in_with_keys(Client(), colleague).get(
        reverse("cases:detail", kwargs={"case_id": case.public_id})
    )

    assert response.status_code == 404


def test_a_transition_records_who_and_why_sealed_and_is_audited() -> None:
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=keyed)
    client = sign_in_with_keys(Client(), keyed)

    response = client.post(
        reverse("cases:transition", kwargs={"case_id": case.public_id}),
        {"target": "triaged", "reason": "Called back, story is consistent"},
    )

    assert response.status_code == 302
    case.refresh_from_db()
    transition = CaseTransition.objects.get()
    assert (case.state, transition.source, transition.target) == ("triaged", "new", "triaged")
    assert transition.actor == keyed.user
    assert transition.reason is not None
    assert b"consistent" not in bytes(transition.reason)
    assert AuditEvent.objects.filter(action="case.state.triaged").count() == 1
    page = client.get(reverse("cases:detail", kwargs={"case_id": case.public_id})).content
    assert "Called back, story is consistent" in page.decode()


def test_an_illegal_or_forbidden_transition_is_refused_and_nothing_is_written() -> None:
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=keyed)
    client = sign_in_with_keys(Client(), keyed)
    before = _writes()
    url = reverse("cases:transition", kwargs={"case_id": case.public_id})

    for target in ["resettled", "approved", "closed", "nonsense"]:
        response = client.post(url, {"target": target, "reason": "because"})
        assert response.status_code == 200

    assert _writes() == before
    case.refresh_from_db()
    assert case.state == "new"


def test_a_move_sent_twice_says_the_case_moved_on_instead_of_naming_a_code() -> None:
    # Given a caseworker who moved a new case to triaged
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=keyed)
    client = sign_in_with_keys(Client(), keyed)
    url = reverse("cases:transition", kwargs={"case_id": case.public_id})
    client.post(url, {"target": "triaged", "reason": "Called back"})
    before = _writes()

    # When the same form is sent again (Back, then Send)
    response = client.post(url, {"target": "triaged", "reason": "Called back"})

    # Then nothing is written and the page says why in words, without internal state codes
    page = response.content.decode()
    assert response.status_code == 200
    assert _writes() == before
    assert "not one of the available choices" not in page
    assert "That move is not open from the case&#x27;s state now" in page


def test_a_request_without_a_name_shows_a_dash_not_an_empty_name() -> None:
    # Given a case whose person gave no name (the intake's name is optional)
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=keyed, full_name="")

    # When the caseworker opens it
    page = sign_in_with_keys(Client(), keyed).get(
        reverse("cases:detail", kwargs={"case_id": case.public_id})
    )

    # Then the name reads as not given
    assert "<dt>Full name</dt><dd>\u2013</dd>" in page.content.decode()


def test_notes_and_household_members_are_sealed_and_shown_to_the_case_worker() -> None:
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=keyed)
    client = sign_in_with_keys(Client(), keyed)

    client.post(
        reverse("cases:add_note", kwargs={"case_id": case.public_id}),
        {"body": "Brother may be watching the phone"},
    )
    client.post(
        reverse("cases:add_household_member", kwargs={"case_id": case.public_id}),
        {"full_name": "Zelimkhan Testperson", "relationship": "partner", "birth_year": "1995"},
    )

    case.refresh_from_db()
    assert case.party_size == 1  # the household is everyone who travels: one recorded
    assert b"Brother" not in bytes(CaseNote.objects.get().body)
    assert b"Zelimkhan" not in bytes(HouseholdMember.objects.get().identity)
    page = client.get(reverse("cases:detail", kwargs={"case_id": case.public_id})).content.decode()
    assert "Brother may be watching the phone" in page
    assert "Zelimkhan Testperson" in page


def test_the_party_size_is_the_household_that_travels_the_person_included() -> None:
    # Given a request for two (the person and their partner), as the applicant said
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=keyed)
    Case.objects.filter(pk=case.pk).update(party_size=2)
    client = sign_in_with_keys(Client(), keyed)
    url = reverse("cases:add_household_member", kwargs={"case_id": case.public_id})

    # When the caseworker records both travellers, the person first (travel requests choose
    # their travellers from the household, so the person must be in it to get a ticket)
    client.post(url, {"full_name": "Test Person", "relationship": "self"})
    client.post(url, {"full_name": "Partner Testperson", "relationship": "partner"})

    # Then the party is two people, not three: the figure the reports and the public
    # transparency page count as people moved
    case.refresh_from_db()
    assert case.party_size == 2
    assert HouseholdMember.objects.filter(case=case).count() == 2


@pytest.mark.parametrize("state", [CaseState.ARRIVED, CaseState.CLOSED, CaseState.WITHDRAWN])
def test_the_household_of_a_case_that_travelled_or_ended_no_longer_changes(
    state: CaseState,
) -> None:
    # Given a case of two that has travelled (or ended): the two are the people moved
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=keyed)
    client = sign_in_with_keys(Client(), keyed)
    url = reverse("cases:add_household_member", kwargs={"case_id": case.public_id})
    client.post(url, {"full_name": "Test Person", "relationship": "self"})
    client.post(url, {"full_name": "Partner Testperson", "relationship": "partner"})
    Case.objects.filter(pk=case.pk).update(state=state)
    events = AuditEvent.objects.count()

    # When the caseworker tries to add a third person
    response = client.post(url, {"full_name": "Cousin Testperson", "relationship": "cousin"})

    # Then it is refused with the reason, and nothing is written: still two moved
    assert response.status_code == 200
    assert "The household can no longer change" in response.content.decode()
    case.refresh_from_db()
    assert case.party_size == 2
    assert HouseholdMember.objects.filter(case=case).count() == 2
    assert AuditEvent.objects.count() == events
    # and the case page no longer offers it
    detail = client.get(reverse("cases:detail", kwargs={"case_id": case.public_id}))
    assert "Add a household member" not in detail.content.decode()


def test_adding_and_removing_a_colleague_through_the_pages() -> None:
    organisation, _ = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    colleague = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=owner, full_name="Shared Name")
    client = sign_in_with_keys(Client(), owner)

    client.post(
        reverse("cases:add_member", kwargs={"case_id": case.public_id}),
        {"member": str(colleague.user.public_id)},
    )
    colleague_client = sign_in_with_keys(Client(), colleague)
    detail = reverse("cases:detail", kwargs={"case_id": case.public_id})
    assert "Shared Name" in colleague_client.get(detail).content.decode()

    client.post(
        reverse(
            "cases:remove_member",
            kwargs={"case_id": case.public_id, "user_id": colleague.user.public_id},
        )
    )

    assert colleague_client.get(detail).status_code == 404
    assert not CaseGroupKey.objects.filter(user=colleague.user).exists()


def test_an_intake_sealed_to_the_team_is_taken_by_a_team_member() -> None:
    # Given an intake sealed with public keys only
    organisation, _ = keyed_organisation()
    caseworker = make_keyed_staff(Role.CASEWORKER, organisation)
    keyring = OrganisationKeyring.objects.get(organisation=organisation)
    case_id = uuid.uuid4()
    sealed = seal_intake(
        case_id=str(case_id),
        values=[
            IntakeValue(
                group=SensitiveGroup.IDENTITY,
                context=FieldContext(model="cases.Case", field="identity", row_id=str(case_id)),
                plaintext=b'{"full_name": "Intake Person", "other_names": ""}',
            )
        ],
        team_public_key=PublicKey(raw=bytes(keyring.team_public_key or b"")),
        recovery_public_key=PublicKey(raw=bytes(keyring.recovery_public_key)),
    )
    case = do_create_case_from_intake(
        organisation=organisation, sealed=sealed, workflow=WorkflowFields(priority=4, risk=4)
    )
    client = sign_in_with_keys(Client(), caseworker)
    assert case.code in client.get(reverse("cases:queue")).content.decode()

    # When the caseworker takes it
    client.post(reverse("cases:take", kwargs={"case_id": case.public_id}))

    # Then they read it, and the team copies are gone
    page = client.get(reverse("cases:detail", kwargs={"case_id": case.public_id})).content
    assert "Intake Person" in page.decode()
    assert not CaseGroupKey.objects.filter(case=case, holder_kind=HolderKind.TEAM).exists()
    assert AuditEvent.objects.filter(action="case.taken").count() == 1


def test_the_queue_lists_new_requests_most_urgent_first() -> None:
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    calm = make_case(actor=keyed)
    urgent = make_case(actor=keyed)
    Case.objects.filter(pk=urgent.pk).update(priority=4)
    other_organisation, _ = keyed_organisation()
    foreign = make_case(actor=make_keyed_staff(Role.CASEWORKER, other_organisation))

    page = sign_in_with_keys(Client(), keyed).get(reverse("cases:queue")).content.decode()

    assert page.index(urgent.code) < page.index(calm.code)
    assert foreign.code not in page


def test_a_viewer_cannot_see_the_queue() -> None:
    staff = make_staff(Role.VIEWER)

    assert sign_in(Client(), staff).get(reverse("cases:queue")).status_code == 403


def test_only_an_admin_on_the_case_may_approve_and_a_refusal_writes_nothing() -> None:
    # Given a case in vetting with a caseworker and an admin on it
    organisation, _ = keyed_organisation()
    caseworker = make_keyed_staff(Role.CASEWORKER, organisation)
    admin = make_keyed_staff(Role.ADMIN, organisation)
    case = make_case(actor=caseworker)
    Case.objects.filter(pk=case.pk).update(state="vetting")
    sign_in_with_keys(Client(), caseworker).post(
        reverse("cases:add_member", kwargs={"case_id": case.public_id}),
        {"member": str(admin.user.public_id)},
    )
    url = reverse("cases:transition", kwargs={"case_id": case.public_id})
    before = _writes()

    # When the caseworker tries to approve
    refused = sign_in_with_keys(Client(), caseworker).post(
        url, {"target": "approved", "reason": "looks fine"}
    )

    # Then it is refused and nothing is written; the admin may
    assert refused.status_code == 200
    assert _writes() == before
    accepted = sign_in_with_keys(Client(), admin).post(
        url, {"target": "approved", "reason": "vetted twice"}
    )
    assert accepted.status_code == 302
    case.refresh_from_db()
    assert case.state == "approved"


@pytest.mark.parametrize("role", [Role.FUNDRAISER, Role.VIEWER, Role.TRAVEL_COORDINATOR])
def test_roles_without_member_management_cannot_add_or_remove_people(role: str) -> None:
    organisation, _ = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=owner)
    intruder = make_keyed_staff(role, organisation)
    client = sign_in_with_keys(Client(), intruder)
    before = _writes()

    added = client.post(
        reverse("cases:add_member", kwargs={"case_id": case.public_id}),
        {"member": str(intruder.user.public_id)},
    )
    removed = client.post(
        reverse(
            "cases:remove_member",
            kwargs={"case_id": case.public_id, "user_id": owner.user.public_id},
        )
    )

    assert (added.status_code, removed.status_code) == (403, 403)
    assert _writes() == before


def test_a_travel_coordinator_on_the_case_holds_only_the_travel_key() -> None:
    # Given a case in documents/visa and a travel coordinator put on it
    organisation, _ = keyed_organisation()
    caseworker = make_keyed_staff(Role.CASEWORKER, organisation)
    coordinator = make_keyed_staff(Role.TRAVEL_COORDINATOR, organisation)
    case = make_case(actor=caseworker, full_name="Secret Identity", story="Secret story")
    Case.objects.filter(pk=case.pk).update(state="documents_visa")
    sign_in_with_keys(Client(), caseworker).post(
        reverse("cases:add_member", kwargs={"case_id": case.public_id}),
        {"member": str(coordinator.user.public_id)},
    )

    # When the coordinator opens the case and plans the travel
    client = sign_in_with_keys(Client(), coordinator)
    detail = reverse("cases:detail", kwargs={"case_id": case.public_id})
    page = client.get(detail).content.decode()
    moved = client.post(
        reverse("cases:transition", kwargs={"case_id": case.public_id}),
        {"target": "travel_planned", "reason": "Route via IST booked on hold"},
    )

    # Then they held only the travel-passenger key and read no identity or story
    groups = set(
        CaseGroupKey.objects.filter(case=case, user=coordinator.user).values_list(
            "group", flat=True
        )
    )
    assert groups == {SensitiveGroup.TRAVEL_PASSENGER.value}
    assert "Secret Identity" not in page
    assert "Secret story" not in page
    assert moved.status_code == 302
    # And the caseworker still reads the reason the coordinator sealed
    caseworker_page = sign_in_with_keys(Client(), caseworker).get(detail).content.decode()
    assert "Route via IST booked on hold" in caseworker_page


def test_triage_sets_priority_and_risk_and_reorders_the_queue() -> None:
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    first = make_case(actor=keyed)
    second = make_case(actor=keyed)
    client = sign_in_with_keys(Client(), keyed)

    response = client.post(
        reverse("cases:workflow_fields", kwargs={"case_id": second.public_id}),
        {"priority": "4", "risk": "4", "origin": "grv", "destination": "de"},
    )

    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.priority, second.risk, second.origin, second.destination) == (4, 4, "GRV", "DE")
    page = client.get(reverse("cases:queue")).content.decode()
    assert page.index(second.code) < page.index(first.code)
    assert AuditEvent.objects.filter(action="case.workflow_fields_changed").count() == 1


def test_a_travel_coordinator_not_on_the_case_cannot_triage_it() -> None:
    organisation, _ = keyed_organisation()
    case = make_case(actor=make_keyed_staff(Role.CASEWORKER, organisation))
    coordinator = make_keyed_staff(Role.TRAVEL_COORDINATOR, organisation)
    before = _writes()

    response = sign_in_with_keys(Client(), coordinator).post(
        reverse("cases:workflow_fields", kwargs={"case_id": case.public_id}),
        {"priority": "1", "risk": "1"},
    )

    assert response.status_code == 404
    assert _writes() == before


def test_the_last_person_on_a_case_cannot_be_removed() -> None:
    organisation, _ = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=owner)
    before = _writes()

    response = sign_in_with_keys(Client(), owner).post(
        reverse(
            "cases:remove_member",
            kwargs={"case_id": case.public_id, "user_id": owner.user.public_id},
        )
    )

    assert response.status_code == 200
    assert "last person working on the case" in response.content.decode()
    assert _writes() == before


def test_a_confirmation_button_says_what_it_does() -> None:
    # Given a new request in the triage queue
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=keyed)

    # When a caseworker opens the page that takes it
    page = sign_in_with_keys(Client(), keyed).get(
        reverse("cases:take", kwargs={"case_id": case.public_id})
    )

    # Then its button says "Take this request", not "Save"
    assert '<button type="submit">Take this request</button>' in page.content.decode()

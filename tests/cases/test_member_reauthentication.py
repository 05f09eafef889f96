"""SR-23: changing who holds a case's keys needs a recent full authentication."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.reauthentication import SESSION_KEY as AUTHENTICATED_AT
from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.cases.actions import WorkflowFields, do_create_case_from_intake
from safepassage.cases.models import (
    Case,
    CaseGroupKey,
    CaseMember,
    HolderKind,
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
    KeyedStaff,
    keyed_organisation,
    make_case,
    make_keyed_staff,
    sign_in_with_keys,
)

pytestmark = pytest.mark.django_db


def _writes() -> tuple[int, ...]:
    return (
        CaseMember.objects.count(),
        CaseGroupKey.objects.count(),
        AuditEvent.objects.count(),
    )


def _stale(client: Client) -> Client:
    session = client.session
    session.pop(AUTHENTICATED_AT)
    session.save()
    return client


def _owner_colleague_case() -> tuple[KeyedStaff, KeyedStaff, Case]:
    organisation, _ = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    colleague = make_keyed_staff(Role.CASEWORKER, organisation)
    return owner, colleague, make_case(actor=owner, full_name="Shared Name")


def test_a_stale_session_adding_a_colleague_is_sent_to_confirm_and_nothing_changes() -> None:
    # Given a caseworker whose last full authentication is older than 5 minutes
    owner, colleague, case = _owner_colleague_case()
    client = _stale(sign_in_with_keys(Client(), owner))
    url = reverse("cases:add_member", kwargs={"case_id": case.public_id})
    before = _writes()

    # When they open the form and post it
    page = client.get(url)
    response = client.post(url, {"member": str(colleague.user.public_id)})

    # Then both are sent to confirm who they are, and no key changed hands
    for answer in (page, response):
        assert answer.status_code == 302
        assert answer["Location"].startswith(reverse("accounts:reauthenticate"))
    assert _writes() == before
    assert not CaseMember.objects.filter(user=colleague.user).exists()


def test_a_fresh_session_adds_a_colleague() -> None:
    # Given a caseworker who has just signed in
    owner, colleague, case = _owner_colleague_case()
    client = sign_in_with_keys(Client(), owner)

    # When they add a colleague
    response = client.post(
        reverse("cases:add_member", kwargs={"case_id": case.public_id}),
        {"member": str(colleague.user.public_id)},
    )

    # Then the colleague is on the case
    assert response.status_code == 302
    assert CaseMember.objects.filter(user=colleague.user).exists()


def test_a_stale_session_removing_a_colleague_is_sent_to_confirm_and_nothing_changes() -> None:
    # Given a case shared by two caseworkers, and a stale session of one of them
    owner, colleague, case = _owner_colleague_case()
    sign_in_with_keys(Client(), owner).post(
        reverse("cases:add_member", kwargs={"case_id": case.public_id}),
        {"member": str(colleague.user.public_id)},
    )
    client = _stale(sign_in_with_keys(Client(), owner))
    before = _writes()

    # When they post the removal
    response = client.post(
        reverse(
            "cases:remove_member",
            kwargs={"case_id": case.public_id, "user_id": colleague.user.public_id},
        )
    )

    # Then they are sent to confirm who they are, and the colleague keeps the keys
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert _writes() == before
    assert CaseGroupKey.objects.filter(user=colleague.user).exists()


def test_a_stale_session_taking_a_request_is_sent_to_confirm_and_nothing_changes() -> None:
    # Given an intake sealed to the team and a team member whose session is stale
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
    client = _stale(sign_in_with_keys(Client(), caseworker))
    before = _writes()

    # When they post "take"
    response = client.post(reverse("cases:take", kwargs={"case_id": case.public_id}))

    # Then they are sent to confirm who they are, and the team copies stay
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert _writes() == before
    assert CaseGroupKey.objects.filter(case=case, holder_kind=HolderKind.TEAM).exists()

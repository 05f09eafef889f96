"""The system's case moves cannot be made by a crafted POST (decision 0019): a staff member
who posts "travel planned" for a ticketed case, or a coded reason of the system's, is
refused at the transition page and nothing is written."""

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.cases.models import Case, CaseState, CaseTransition
from tests.cases.factories import (
    keyed_organisation,
    make_case,
    make_keyed_staff,
    sign_in_with_keys,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.ADMIN, Role.TRAVEL_COORDINATOR, Role.CASEWORKER])
@pytest.mark.parametrize(
    "body",
    [
        {"target": CaseState.TRAVEL_PLANNED, "reason": "The ticket was cancelled."},
        {
            "target": CaseState.TRAVEL_PLANNED,
            "reason": "x",
            "reason_code": "ticket_cancelled",
            "actor_kind": "system",
        },
    ],
)
def test_staff_cannot_post_the_systems_way_back_from_ticketed(
    role: str, body: dict[str, str]
) -> None:
    # Given a ticketed case with a staff member of its organisation on it
    organisation, _recovery = keyed_organisation()
    staff = make_keyed_staff(role, organisation)
    case = make_case(actor=staff)
    Case.objects.filter(pk=case.pk).update(state=CaseState.TICKETED)
    client = sign_in_with_keys(Client(), staff)
    rows = CaseTransition.objects.count()

    # When they post the system's move back to "travel planned"
    response = client.post(reverse("cases:transition", kwargs={"case_id": case.public_id}), body)

    # Then the form refuses it and nothing is written
    assert response.status_code == 200
    assert Case.objects.get(pk=case.pk).state == CaseState.TICKETED
    assert CaseTransition.objects.count() == rows
    assert not AuditEvent.objects.filter(
        action=f"case.state.{CaseState.TRAVEL_PLANNED}", object_ref=str(case.public_id)
    ).exists()

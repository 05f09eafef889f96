"""The case page offers only the forms its reader can complete: a travel coordinator on a
case holds only the travel key, so typing a household member's details or a note only
to be told "You hold no key for this part of the case" is not offered."""

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.cases.models import Case
from tests.cases.factories import keyed_organisation, make_case, make_keyed_staff, sign_in_with_keys

pytestmark = pytest.mark.django_db

KEYED_FORMS = (
    "cases:add_note",
    "cases:add_household_member",
    "cases:add_task",
    "cases:upload_document",
)


def test_a_coordinator_holding_only_the_travel_key_is_not_offered_the_sealed_forms() -> None:
    # given a case with a caseworker and a travel coordinator on it
    organisation, _ = keyed_organisation()
    caseworker = make_keyed_staff(Role.CASEWORKER, organisation)
    coordinator = make_keyed_staff(Role.TRAVEL_COORDINATOR, organisation)
    case = make_case(actor=caseworker)
    Case.objects.filter(pk=case.pk).update(state="documents_visa")
    sign_in_with_keys(Client(), caseworker).post(
        reverse("cases:add_member", kwargs={"case_id": case.public_id}),
        {"member": str(coordinator.user.public_id)},
    )
    detail = reverse("cases:detail", kwargs={"case_id": case.public_id})

    # when each opens the case page
    coordinator_page = sign_in_with_keys(Client(), coordinator).get(detail).content.decode()
    caseworker_page = sign_in_with_keys(Client(), caseworker).get(detail).content.decode()

    # then only the caseworker, who holds the keys, is offered the forms that need them;
    # the coordinator still moves the case on
    for name in KEYED_FORMS:
        url = reverse(name, kwargs={"case_id": case.public_id})
        assert f'href="{url}"' in caseworker_page
        assert f'href="{url}"' not in coordinator_page
    transition = reverse("cases:transition", kwargs={"case_id": case.public_id})
    assert f'href="{transition}"' in coordinator_page

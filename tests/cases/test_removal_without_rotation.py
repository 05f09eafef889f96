"""Removing a colleague whose keys cannot be rotated at once (decision 0018): the removal
still happens, and the remover is told that the groups wait for ``rotate-keys`` instead
of believing the colleague's kept keys are already useless."""

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.cases.actions import do_add_case_member, do_remove_case_member
from safepassage.cases.models import Case, CaseGroupKey, CaseMember, KeyRotation
from tests.cases.factories import (
    KeyedStaff,
    keyed_organisation,
    make_case,
    make_keyed_staff,
    sign_in_with_keys,
)
from tests.factories import sign_in

pytestmark = pytest.mark.django_db

WARNING = "until an administrator runs safepassage rotate-keys"


def _case_with_colleague() -> tuple[KeyedStaff, KeyedStaff, Case]:
    organisation, _recovery = keyed_organisation()
    owner = make_keyed_staff(Role.ADMIN, organisation)
    colleague = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=owner)
    do_add_case_member(
        actor=owner.staff.user, key_pair=owner.key_pair, case=case, member=colleague.staff.user
    )
    return owner, colleague, case


def test_without_the_removers_keys_the_held_groups_are_returned_as_waiting() -> None:
    owner, colleague, case = _case_with_colleague()
    held = set(CaseGroupKey.objects.filter(case=case, user=colleague.user).values_list("group"))
    assert held

    waiting = do_remove_case_member(actor=owner.user, case=case, member=colleague.user)

    assert {(group.value,) for group in waiting} == held
    assert not CaseMember.objects.filter(case=case, user=colleague.user).exists()
    # and the case is queued: the organisation has an open rotation run for rotate-keys
    assert KeyRotation.objects.filter(
        organisation=case.organisation, finished_on__isnull=True
    ).exists()


def test_with_the_removers_keys_nothing_waits() -> None:
    owner, colleague, case = _case_with_colleague()

    waiting = do_remove_case_member(
        actor=owner.user, key_pair=owner.key_pair, case=case, member=colleague.user
    )

    assert waiting == frozenset()
    assert not KeyRotation.objects.exists()


@pytest.mark.parametrize("keys_unlocked", [True, False])
def test_the_page_says_when_the_keys_wait_for_rotate_keys(keys_unlocked: bool) -> None:
    # Given the owner, signed in with or without their keys unlocked
    owner, colleague, case = _case_with_colleague()
    client = sign_in_with_keys(Client(), owner) if keys_unlocked else sign_in(Client(), owner.staff)
    url = reverse(
        "cases:remove_member",
        kwargs={"case_id": case.public_id, "user_id": colleague.user.public_id},
    )

    # When they remove the colleague
    response = client.post(url, {}, follow=True)

    # Then the colleague is off the case either way, and only a removal that could not
    # rotate says that rotate-keys is still needed
    assert response.status_code == 200
    assert not CaseMember.objects.filter(case=case, user=colleague.user).exists()
    assert (WARNING in response.content.decode()) is not keys_unlocked

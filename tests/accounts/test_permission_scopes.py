"""``granted_in``, the permission check as a query condition (SR-15, decision 0051), answers
exactly what ``user.has_perm(permission, organisation)`` answers."""

import pytest

from safepassage.accounts.models import Membership, User
from safepassage.accounts.permission_scopes import granted_in, roles_granting
from safepassage.accounts.roles import ROLE_PERMISSIONS, Role
from safepassage.organisations.models import Organisation
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PERMISSIONS = sorted(
    set().union(*ROLE_PERMISSIONS.values()) | {"travel.maintain_catalogue", "cases.no_such_thing"}
)


def _granted_by_query(user: User, permission: str, organisation: Organisation) -> bool:
    return (
        Organisation.objects.filter(pk=organisation.pk)
        .filter(granted_in(user=user, permission=permission, organisation="pk"))
        .exists()
    )


@pytest.mark.parametrize("role", list(Role))
def test_the_condition_agrees_with_has_perm_for_every_role_and_permission(role: str) -> None:
    # given a user with ``role`` in one organisation and nothing in another
    home, elsewhere = OrganisationFactory.create(), OrganisationFactory.create()
    user = UserFactory.create()
    Membership.objects.create(user=user, organisation=home, role=role)

    # when each permission is asked of both, then the query and has_perm agree
    disagreements = [
        (permission, organisation.name)
        for permission in PERMISSIONS
        for organisation in (home, elsewhere)
        if _granted_by_query(user, permission, organisation)
        != user.has_perm(permission, organisation)
    ]

    assert disagreements == []
    assert any(_granted_by_query(user, permission, home) for permission in PERMISSIONS)


def test_an_inactive_user_holds_nothing_and_an_active_superuser_everything() -> None:
    home = OrganisationFactory.create()
    inactive = UserFactory.create()
    Membership.objects.create(user=inactive, organisation=home, role=Role.ADMIN)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    superuser = UserFactory.create(is_superuser=True)

    for permission in PERMISSIONS:
        assert _granted_by_query(inactive, permission, home) is False
        assert inactive.has_perm(permission, home) is False
        assert _granted_by_query(superuser, permission, home) is True
        assert superuser.has_perm(permission, home) is True


def test_roles_granting_names_the_roles_whose_permissions_include_it() -> None:
    assert roles_granting("cases.triage_case") == {Role.ADMIN, Role.CASEWORKER}
    assert roles_granting("travel.maintain_catalogue") == frozenset()
    assert roles_granting("organisations.view_organisation") == set(Role)

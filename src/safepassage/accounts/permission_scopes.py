"""Permission checks as query conditions, for the ``access_*`` fetches (SR-15: equal work).

``user.has_perm(permission, organisation)`` runs a query of its own, after the object is
fetched, and only when it was found: a refused request for an existing object then runs
more queries than one for an unknown id. :func:`granted_in` states the same check as a
condition of the fetching query instead, so a forbidden object is simply not found and both
requests run the same single statement (decision 0051).

The condition answers exactly what ``User.has_perm(permission, organisation)`` answers with
:class:`safepassage.accounts.backends.MembershipBackend`: an active superuser holds every
permission everywhere; anyone else holds ``permission`` in an organisation where a role of
theirs grants it (``roles.ROLE_PERMISSIONS``); an inactive user holds nothing.
``tests/accounts/test_permission_scopes.py`` checks the two agree for every role and
permission.
"""

from django.db.models import BooleanField, Exists, OuterRef, Q, Value

from safepassage.accounts.models import Membership, User
from safepassage.accounts.roles import ROLE_PERMISSIONS


def roles_granting(permission: str) -> frozenset[str]:
    """The roles whose permissions include ``permission`` (none for an unknown name)."""
    return frozenset(role for role, granted in ROLE_PERMISSIONS.items() if permission in granted)


def granted_in(*, user: User, permission: str, organisation: str = "organisation") -> Q:
    """A condition true for rows whose organisation (the field path ``organisation`` of the
    queried model, e.g. ``"case__organisation"``) is one where ``user`` holds ``permission``.

    One correlated ``EXISTS`` over the user's memberships (their unique index on user and
    organisation answers it); the statement is the same whether or not any row matches.
    """
    if user.is_active and user.is_superuser:
        return Q(Value(True, output_field=BooleanField()))
    roles = sorted(roles_granting(permission)) if user.is_active else []
    return Q(
        Exists(
            Membership.objects.filter(
                user_id=user.pk, organisation_id=OuterRef(organisation), role__in=roles
            )
        )
    )

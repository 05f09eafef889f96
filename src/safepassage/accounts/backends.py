"""Authentication by e-mail and password; permissions only through memberships."""

from typing import Any

from django.contrib.auth.backends import ModelBackend

from safepassage.accounts.roles import INSTANCE_PERMISSIONS, permissions_for_roles
from safepassage.organisations.models import Organisation


class MembershipBackend(ModelBackend):
    """Grant a permission when a role the user holds grants it.

    ``user.has_perm(perm, organisation)`` asks about one organisation;
    ``user.has_perm(perm)`` asks whether any membership grants it. Per-user
    permissions of Django's default backend are never consulted; group permissions
    only for the instance-level names of ``roles.INSTANCE_PERMISSIONS``, only when
    no organisation is asked about, and only for a user with a membership.
    """

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        memberships = user_obj.memberships.all()
        if isinstance(obj, Organisation):
            memberships = memberships.filter(organisation=obj)
        elif obj is not None:
            return set()
        roles = set(memberships.values_list("role", flat=True))
        granted = set(permissions_for_roles(roles))
        if obj is None and roles:
            granted |= super().get_group_permissions(user_obj) & INSTANCE_PERMISSIONS
        return granted

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)

"""Permission-checked fetches of staff accounts."""

import uuid

from django.db.models import Exists, OuterRef
from django.http import Http404

from safepassage.accounts.models import Invitation, Membership, SecurityKey, User
from safepassage.accounts.permission_scopes import granted_in


def access_colleague(*, user: User, colleague_id: uuid.UUID, permission: str) -> User:
    """A member of an organisation in which ``user``'s role grants ``permission``.

    Missing and forbidden answer alike (404), so account ids cannot be probed; the check is
    part of the one fetching query, so both cost the same (SR-15).
    """
    shared = Membership.objects.filter(user=OuterRef("pk")).filter(
        granted_in(user=user, permission=permission)
    )
    colleague = User.objects.filter(public_id=colleague_id).filter(Exists(shared)).first()
    if colleague is None:
        raise Http404
    return colleague


def access_membership(
    *, user: User, organisation_id: uuid.UUID, member_id: uuid.UUID, permission: str
) -> Membership:
    """The membership of account ``member_id`` in organisation ``organisation_id``, where
    ``user``'s role grants ``permission``; 404 for missing and forbidden alike."""
    membership = (
        Membership.objects.select_related("organisation", "user")
        .filter(organisation__public_id=organisation_id, user__public_id=member_id)
        .filter(granted_in(user=user, permission=permission))
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def access_invitation(*, user: User, invitation_id: uuid.UUID, permission: str) -> Invitation:
    """An invitation of an organisation where ``user``'s role grants ``permission``; 404 for
    missing and forbidden alike."""
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(public_id=invitation_id)
        .filter(granted_in(user=user, permission=permission))
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


def access_own_security_key(*, user: User, key_id: uuid.UUID) -> SecurityKey:
    """One of ``user``'s own security keys; another's key and a missing one answer alike
    (404), so key ids cannot be probed."""
    key = SecurityKey.objects.filter(public_id=key_id, user=user).first()
    if key is None:
        raise Http404
    return key

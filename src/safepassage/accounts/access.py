"""Permission-checked fetches of staff accounts."""

import uuid

from django.http import Http404

from safepassage.accounts.models import Membership, User


def access_colleague(*, user: User, colleague_id: uuid.UUID, permission: str) -> User:
    """A member of an organisation in which ``user``'s role grants ``permission``.

    Missing and forbidden answer alike (404), so account ids cannot be probed.
    """
    colleague = User.objects.filter(public_id=colleague_id).first()
    if colleague is None:
        raise Http404
    for membership in Membership.objects.filter(user=colleague).select_related("organisation"):
        if user.has_perm(permission, membership.organisation):
            return colleague
    raise Http404

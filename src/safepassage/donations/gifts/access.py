"""Permission-checked fetches of gifts: missing and forbidden both answer 404 (SR-15)."""

import uuid

from django.http import Http404

from safepassage.accounts.models import User
from safepassage.accounts.permission_scopes import granted_in
from safepassage.donations.models import Gift


def access_gift(
    *, user: User, organisation_id: uuid.UUID, gift_id: uuid.UUID, permission: str
) -> Gift:
    """The gift ``gift_id`` received by organisation ``organisation_id``, if ``user``'s
    role there grants ``permission``: one query, the same for a forbidden, a missing and
    another organisation's gift."""
    gift = (
        Gift.objects.select_related("organisation", "campaign", "recorded_by")
        .filter(public_id=gift_id, organisation__public_id=organisation_id)
        .filter(granted_in(user=user, permission=permission))
        .first()
    )
    if gift is None:
        raise Http404
    return gift

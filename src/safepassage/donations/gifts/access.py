"""Permission-checked fetches of gifts: missing and forbidden both answer 404 (SR-15)."""

import uuid

from django.http import Http404

from safepassage.accounts.models import User
from safepassage.donations.models import Gift
from safepassage.organisations.access import access_organisation


def access_gift(
    *, user: User, organisation_id: uuid.UUID, gift_id: uuid.UUID, permission: str
) -> Gift:
    """The gift ``gift_id`` received by organisation ``organisation_id``, if ``user``'s
    role there grants ``permission``."""
    organisation = access_organisation(
        user=user, organisation_id=organisation_id, permission=permission
    )
    gift = (
        Gift.objects.select_related("organisation", "campaign", "recorded_by")
        .filter(public_id=gift_id, organisation=organisation)
        .first()
    )
    if gift is None:
        raise Http404
    return gift

"""Row locks of pledges. Lock the pledge before posting to its ledger owner."""

import uuid

from safepassage.donations.models import Pledge


def lock_pledge(*, pledge_id: uuid.UUID) -> Pledge:
    """Lock one pledge row (inside ``transaction.atomic``) and return it fresh."""
    return Pledge.objects.select_for_update().select_related("program").get(public_id=pledge_id)


def lock_pledges(*, pledge_ids: list[uuid.UUID]) -> list[Pledge]:
    """Lock several pledges in primary-key order."""
    return list(
        Pledge.objects.select_for_update()
        .select_related("program")
        .filter(public_id__in=pledge_ids)
        .order_by("pk")
    )

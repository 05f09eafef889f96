"""Row locks of the ledger: owners locked in primary-key order."""

from collections.abc import Iterable

from django.db.models import Q

from safepassage.core.ledger import OwnerKind
from safepassage.ledger.models import LedgerOwner

type OwnerKey = tuple[OwnerKind, str]


def lock_ledger_owners(*, owners: Iterable[OwnerKey]) -> list[LedgerOwner]:
    """Create missing owner rows, then lock all of them in primary-key order.

    Call inside ``transaction.atomic``. The ``external`` owner is never locked (its
    balance rows only change through ``F()`` updates). Rows are created with
    ``ignore_conflicts`` so two first postings to the same owner never race into a
    check-then-create; primary-key order means two transactions touching the same
    owners never deadlock. On SQLite every write transaction starts ``IMMEDIATE``,
    which serialises writers, and ``select_for_update`` is a no-op.

    Lock order across the project: domain rows (pledge, campaign) first, then ledger
    owners, then the audit head (``record_audit_event`` always last).
    """
    keys = sorted(
        {(kind.value, owner_id) for kind, owner_id in owners if kind is not OwnerKind.EXTERNAL}
    )
    if not keys:
        return []
    LedgerOwner.objects.bulk_create(
        [LedgerOwner(owner_kind=kind, owner_id=owner_id) for kind, owner_id in keys],
        ignore_conflicts=True,
    )
    condition = Q()
    for kind, owner_id in keys:
        condition |= Q(owner_kind=kind, owner_id=owner_id)
    return list(LedgerOwner.objects.filter(condition).order_by("pk").select_for_update())

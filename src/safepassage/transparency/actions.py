"""Writes of the transparency app: publishing a snapshot (operators and the scheduler)."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from safepassage.audit.actions import SYSTEM_ACTOR, record_audit_event
from safepassage.cases.models import Case
from safepassage.transparency.disclosure import Suppression
from safepassage.transparency.errors import SnapshotExists
from safepassage.transparency.models import (
    ShreddedMove,
    TransparencyFigure,
    TransparencySnapshot,
)
from safepassage.transparency.publication import build_cells, publishable_period_end
from safepassage.transparency.sources import first_move

REPORTING_CURRENCY = "EUR"
"""The currency of the public money figures (the staff gift totals use the same)."""


def check_publish_snapshot(*, today: datetime.date) -> datetime.date:
    """The period a snapshot taken ``today`` covers; refuses one already published (or
    older than the latest), so running it daily publishes once a month."""
    period_end = publishable_period_end(today=today)
    latest = TransparencySnapshot.objects.order_by("-period_end").first()
    if latest is not None and latest.period_end >= period_end:
        raise SnapshotExists
    return period_end


def do_publish_snapshot(
    *, period_end: datetime.date, reporting_currency: str = REPORTING_CURRENCY
) -> TransparencySnapshot:
    """Compute and store every cell up to ``period_end``; suppressed cells keep no value.

    The whole snapshot and its audit event commit together; a concurrent publisher of the
    same period loses on the unique ``period_end`` and gets :class:`SnapshotExists`.
    """
    try:
        with transaction.atomic():
            snapshot = TransparencySnapshot.objects.create(
                period_end=period_end,
                published_on=timezone.localdate(),
                reporting_currency=reporting_currency,
            )
            TransparencyFigure.objects.bulk_create(
                TransparencyFigure(
                    snapshot=snapshot,
                    metric=cell.metric,
                    dimension=cell.dimension,
                    key=cell.key,
                    label=cell.label,
                    suppression=str(cell.suppression),
                    **(
                        {
                            "value": cell.value,
                            "value_high": cell.value_high,
                            "units": cell.contributions.units,
                        }
                        if cell.suppression is Suppression.NONE
                        else {}
                    ),
                )
                for cell in build_cells(
                    period_end=period_end, reporting_currency=reporting_currency
                )
            )
            record_audit_event(
                actor_ref=SYSTEM_ACTOR,
                action="transparency.published",
                object_type="transparency_snapshot",
                object_ref=str(snapshot.public_id),
            )
    except IntegrityError:
        raise SnapshotExists from None
    return snapshot


def do_keep_shredded_move(*, case: Case) -> None:
    """Before ``case`` is crypto-shredded, keep the month it moved and its party size (if it
    ever moved), so published months do not shrink. Runs inside the cases app's shredding
    transaction (``transparency/case_shredding.py``), which audits the shredding itself;
    no event of its own, so nothing ties the kept row to the case."""
    moved_on = first_move(case=case)
    if moved_on is not None:
        ShreddedMove.objects.create(moved_in=moved_on.replace(day=1), party_size=case.party_size)

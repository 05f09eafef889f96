"""Recording the refund of a cancelled booking's cash.

``do_record_refund`` runs in one transaction: the booking row is locked (so two people
recording at once see each other), the refund is planned from what the booking paid and
what already came back (``cash.plan_refund``), each part is credited to the fund or
campaign that paid it through the ledger (``refund`` transactions, one per owner), the
record is stored and the audit event names public ids only.

Lock order: booking row, then ledger owners (primary-key order), then the audit head.
"""

import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.audit.actions import record_audit_event
from safepassage.bookings import cash
from safepassage.bookings.errors import (
    NoCashPaid,
    NothingLeftToRefund,
    RefundClosed,
    RefundNotCancelled,
)
from safepassage.bookings.lock_objects import lock_booking_request
from safepassage.bookings.models import (
    BookingRequest,
    BookingStatus,
    CashRefund,
    NoRefundReason,
    RefundOutcome,
)
from safepassage.bookings.refund_selectors import (
    RefundStatus,
    get_refund_state,
    list_refund_credits,
)
from safepassage.core.money import Money
from safepassage.ledger import actions as ledger
from safepassage.ledger.lock_objects import lock_ledger_owners


@dataclass(frozen=True, kw_only=True)
class RefundEntry:
    """What the coordinator records: ``amount`` came back, or none will (``reason``)."""

    outcome: RefundOutcome
    amount: Money | None = None
    reason: NoRefundReason | None = None


def _plan(*, booking: BookingRequest, entry: RefundEntry) -> tuple[cash.Holding, ...]:
    """Check ``entry`` against the booking as it stands; the credits it makes."""
    if booking.status != BookingStatus.CANCELLED:
        raise RefundNotCancelled
    state = get_refund_state(booking=booking)
    if not state.paid:
        raise NoCashPaid
    if state.status == RefundStatus.CLOSED:
        raise RefundClosed
    if entry.outcome == RefundOutcome.NONE:
        if not state.outstanding:
            raise NothingLeftToRefund
        if entry.reason is None:
            raise ValueError("no refund needs a reason")
        return ()
    if entry.amount is None:
        raise ValueError("a refund received needs an amount")
    return cash.plan_refund(
        amount=entry.amount,
        paid=state.payments,
        refunded=list_refund_credits(refunds=state.refunds),
    )


def check_record_refund(*, booking: BookingRequest, entry: RefundEntry) -> None:
    """Refuse a refund on a booking not cancelled or that paid no cash, after "no further
    refund", in a currency not paid, or above what was paid and not yet refunded."""
    _plan(booking=booking, entry=entry)


def do_record_refund(
    *, actor: User, booking: BookingRequest, entry: RefundEntry, request_key: uuid.UUID
) -> CashRefund:
    """Record what came back (credited to the funds and campaigns that paid) or that no
    refund will come. The same ``request_key`` (the form's token) records once: a second
    submission returns the first record."""
    with transaction.atomic():
        locked = lock_booking_request(booking_pk=booking.pk)
        existing = CashRefund.objects.filter(request_key=request_key).first()
        if existing is not None:
            if existing.booking_id != locked.pk:
                raise ValueError("a refund's request key was reused for another booking")
            return existing
        credits = _plan(booking=locked, entry=entry)
        organisation = locked.trip.organisation
        refund = CashRefund(
            booking=locked,
            request_key=request_key,
            outcome=entry.outcome,
            recorded_by=actor,
            recorded_on=timezone.localdate(),
        )
        if entry.outcome == RefundOutcome.RECEIVED and entry.amount is not None:
            refund.amount = entry.amount.amount
            refund.currency = entry.amount.currency
        else:
            refund.reason = entry.reason or ""
        refund.credited = [
            {
                "owner_kind": credit.owner.kind.value,
                "owner_id": credit.owner.owner_id,
                "amount": str(credit.money.amount),
                "currency": credit.money.currency,
            }
            for credit in credits
        ]
        refund.save()
        lock_ledger_owners(
            owners=[(credit.owner.kind, credit.owner.owner_id) for credit in credits]
        )
        for credit in credits:
            owner = credit.owner
            ledger.do_refund_money(
                owner=owner,
                amount=credit.money,
                idempotency_key=(
                    f"booking-refund:{refund.public_id}:{owner.kind}:{owner.owner_id}"
                    f":{credit.money.currency}"
                ),
                reference=f"booking-request:{locked.public_id}",
                actor_ref=str(actor.public_id),
                organisation_ref=str(organisation.public_id),
            )
        record_audit_event(
            actor_ref=str(actor.public_id),
            action=(
                "booking.refund_received"
                if entry.outcome == RefundOutcome.RECEIVED
                else "booking.refund_none"
            ),
            object_type="cash_refund",
            object_ref=str(refund.public_id),
            organisation_ref=str(organisation.public_id),
        )
    return refund

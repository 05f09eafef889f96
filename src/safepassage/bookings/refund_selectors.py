"""Reads of cash refunds: what a cancelled booking paid, what came back, what is still owed.

A booking's payments (``BookingRequest.cash_paid``) and its refunds' credits
(``CashRefund.credited``) are clear workflow data holding fund and campaign public ids,
amounts and currencies: the same the ledger holds.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.db.models import QuerySet

from safepassage.bookings.cash import Holding, still_refundable
from safepassage.bookings.models import (
    BookingRequest,
    BookingStatus,
    CashRefund,
    RefundOutcome,
)
from safepassage.core.ledger import MoneyOwner, OwnerKind
from safepassage.core.money import Money
from safepassage.organisations.models import Organisation


def _holdings(documents: Iterable[object]) -> list[Holding]:
    holdings = []
    for document in documents:
        if not isinstance(document, dict):
            continue
        holdings.append(
            Holding(
                owner=MoneyOwner(
                    kind=OwnerKind(document["owner_kind"]), owner_id=str(document["owner_id"])
                ),
                money=Money(amount=Decimal(str(document["amount"])), currency=document["currency"]),
            )
        )
    return holdings


def list_cash_payments(*, booking: BookingRequest) -> list[Holding]:
    """What the booking's charge took from each fund or campaign, in payment order."""
    return _holdings(booking.cash_paid or [])


def list_refund_credits(*, refunds: Sequence[CashRefund]) -> list[Holding]:
    """What the recorded refunds credited back, to whom, in the order recorded."""
    return [credit for refund in refunds for credit in _holdings(refund.credited or [])]


class RefundStatus(StrEnum):
    NOT_APPLICABLE = "not_applicable"  # no cash paid, or not cancelled
    NOT_RECORDED = "not_recorded"
    PARTLY = "partly"
    REFUNDED = "refunded"
    CLOSED = "closed"  # "no (further) refund" recorded


def _totals(holdings: Iterable[Holding]) -> list[Money]:
    totals: dict[str, Money] = {}
    for holding in holdings:
        code = holding.money.currency
        totals[code] = totals.get(code, Money.zero(currency=code)) + holding.money
    return [money for money in totals.values() if money.amount > 0]


@dataclass(frozen=True, slots=True)
class RefundState:
    """A booking's cash and its refund: ``paid``, ``refunded`` and ``outstanding`` are per
    currency; ``refunds`` the records, oldest first."""

    status: RefundStatus
    paid: tuple[Money, ...]
    refunded: tuple[Money, ...]
    outstanding: tuple[Money, ...]
    payments: tuple[Holding, ...]
    refunds: tuple[CashRefund, ...]

    @property
    def open(self) -> bool:
        """A refund can still be recorded."""
        return self.status in (RefundStatus.NOT_RECORDED, RefundStatus.PARTLY)

    @property
    def currencies(self) -> tuple[str, ...]:
        """Currencies something can still come back in."""
        return tuple(money.currency for money in self.outstanding)


def get_refund_state(*, booking: BookingRequest) -> RefundState:
    """Where the refund of a booking's cash stands."""
    payments = list_cash_payments(booking=booking)
    refunds = list(CashRefund.objects.filter(booking=booking).order_by("pk"))
    credits = list_refund_credits(refunds=refunds)
    outstanding = _totals(still_refundable(paid=payments, refunded=credits))
    if booking.status != BookingStatus.CANCELLED or not _totals(payments):
        status = RefundStatus.NOT_APPLICABLE
    elif any(refund.outcome == RefundOutcome.NONE for refund in refunds):
        status = RefundStatus.CLOSED
    elif not outstanding:
        status = RefundStatus.REFUNDED
    elif refunds:
        status = RefundStatus.PARTLY
    else:
        status = RefundStatus.NOT_RECORDED
    return RefundState(
        status=status,
        paid=tuple(_totals(payments)),
        refunded=tuple(_totals(credits)),
        outstanding=tuple(outstanding),
        payments=tuple(payments),
        refunds=tuple(refunds),
    )


def list_refunds_awaited(*, organisation: Organisation) -> QuerySet[BookingRequest]:
    """Cancelled bookings of the organisation that paid cash and have no refund recorded
    at all (the coordinator's to-do: ask the airline, then record what came back)."""
    return (
        BookingRequest.objects.filter(
            trip__organisation=organisation, status=BookingStatus.CANCELLED
        )
        .exclude(cash_paid=[])
        .filter(refunds__isnull=True)
        .select_related("trip__case")
        .order_by("closed_on", "pk")
    )


@dataclass(frozen=True, slots=True)
class PaymentLine:
    """One payment as the refund page shows it: from the fund or a named campaign."""

    campaign: str | None
    money: Money


def list_payment_lines(*, holdings: Iterable[Holding]) -> list[PaymentLine]:
    """``holdings`` with their campaigns' titles (``campaign`` None for the general fund)."""
    from safepassage.donations.models import Campaign

    holdings = list(holdings)
    ids = {h.owner.owner_id for h in holdings if h.owner.kind is OwnerKind.CAMPAIGN}
    titles = {
        str(public_id): title
        for public_id, title in Campaign.objects.filter(public_id__in=ids).values_list(
            "public_id", "title"
        )
    }
    return [
        PaymentLine(
            campaign=titles.get(h.owner.owner_id, "")
            if h.owner.kind is OwnerKind.CAMPAIGN
            else None,
            money=h.money,
        )
        for h in holdings
    ]

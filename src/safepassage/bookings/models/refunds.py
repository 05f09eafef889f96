"""Cash refunds of cancelled bookings.

A cancelled booking whose taxes, fees or cash fare were paid from the organisation's money
(``BookingRequest.cash_paid``) waits for the airline's refund. Each :class:`CashRefund`
records what actually came back, in one currency, or that no (further) refund will come and
why (a reason code, never free text). What came back is credited through the ledger
(``refund`` transactions) to the funds and campaigns that paid, in the reverse order of
payment, never more than each paid in that currency; ``credited`` keeps those parts.
Amounts, currencies and fund or campaign public ids only: the ledger holds them in clear.
"""

import uuid
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import User
from safepassage.bookings.models.trips import BookingRequest
from safepassage.core.money import CURRENCY_MINOR_UNITS, Money


class RefundOutcome(models.TextChoices):
    RECEIVED = "received", _("Refund received")
    NONE = "none", _("No (further) refund")


class NoRefundReason(models.TextChoices):
    NON_REFUNDABLE = "non_refundable", _("Non-refundable fare or fee")
    TRAVEL_CREDIT = "travel_credit", _("The airline gave a travel credit instead")
    AIRLINE_REFUSED = "airline_refused", _("The airline refused the refund")
    NOT_WORTH_CLAIMING = "not_worth_claiming", _("Too small to claim")
    OTHER = "other", _("Other reason")


class CashRefund(models.Model):
    """What came back of a cancelled booking's cash, or that nothing more will."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    booking = models.ForeignKey(BookingRequest, on_delete=models.PROTECT, related_name="refunds")
    # The form's one-time token: a second submission of the same form records nothing new.
    request_key = models.UUIDField(unique=True)
    outcome = models.CharField(max_length=16, choices=RefundOutcome.choices)
    amount = models.DecimalField(max_digits=15, decimal_places=3, default=0)
    currency = models.CharField(max_length=3, blank=True)
    reason = models.CharField(max_length=32, choices=NoRefundReason.choices, blank=True)
    credited = models.JSONField(
        default=list,
        blank=True,
        help_text="Per fund or campaign: the amount credited back and its currency.",
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_on = models.DateField()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("cash refund")
        verbose_name_plural = _("cash refunds")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(outcome="received", amount__gt=0, reason="") & ~models.Q(currency="")
                )
                | models.Q(outcome="none", amount=0, currency="") & ~models.Q(reason=""),
                name="cash_refund_amount_or_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"cash refund {self.public_id}"

    @property
    def money(self) -> Money | None:
        """What came back, to the currency's minor unit; None for "no refund"."""
        if self.outcome != RefundOutcome.RECEIVED:
            return None
        places = Decimal(1).scaleb(-CURRENCY_MINOR_UNITS[self.currency])
        return Money(amount=Decimal(self.amount).quantize(places), currency=self.currency)

"""Cash gifts to a campaign or a fund, and exchange rates for reporting.

A gift keeps the amount and currency exactly as given (``Decimal`` + ISO 4217); it is
never converted when stored. :class:`ExchangeRate` rows show totals in one currency in
reports, with the rate and its date printed next to the converted figure, and value booking
charges in a run's currency (``bookings.cash``, decision 0021).

Donor details (SR-32): the name to print on the receipt and the address to send it to
are sealed with the server-held donor key (``donations.donor_sealing``), never stored in
clear; the address is erased once the receipt has been sent.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.donations.models.campaigns import Campaign
from safepassage.organisations.models import Organisation

#: Digits and decimal places of stored amounts: enough for every currency of
#: ``core.money.CURRENCY_MINOR_UNITS`` (0, 2 or 3 places); the currency's own exponent is
#: checked by ``core.money.Money`` before a gift is written.
AMOUNT_MAX_DIGITS = 14
AMOUNT_DECIMAL_PLACES = 3


class GiftSource(models.TextChoices):
    PROVIDER_WEBHOOK = "provider_webhook", _("Payment provider")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CASH_AT_EVENT = "cash_at_event", _("Cash at an event")
    OTHER = "other", _("Other")


#: Sources staff may enter by hand; provider gifts arrive only through the signed webhook.
STAFF_GIFT_SOURCES = (GiftSource.BANK_TRANSFER, GiftSource.CASH_AT_EVENT, GiftSource.OTHER)


class Gift(models.Model):
    """One cash gift, received by ``organisation`` (for ``campaign``, or its general fund).

    ``idempotency_key`` is unique: ``webhook:<provider>:<event id>`` for provider gifts,
    ``staff:<form token>`` for staff entries, so a repeated delivery or a double submit
    finds the gift already there. It is also the ledger transaction's idempotency key.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="gifts",
        verbose_name=_("received by"),
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        related_name="gifts",
        null=True,
        blank=True,
        verbose_name=_("campaign"),
    )
    amount = models.DecimalField(
        _("amount"), max_digits=AMOUNT_MAX_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES
    )
    currency = models.CharField(_("currency"), max_length=3)
    source = models.CharField(_("source"), max_length=24, choices=GiftSource.choices)
    provider = models.CharField(_("payment provider"), max_length=40, blank=True)
    provider_event_id = models.CharField(_("provider event id"), max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=300, unique=True, editable=False)
    is_anonymous = models.BooleanField(_("anonymous"), default=True)
    donor_name_envelope = models.BinaryField(null=True, blank=True, editable=False)
    receipt_email_envelope = models.BinaryField(null=True, blank=True, editable=False)
    receipt_sent_on = models.DateField(_("receipt sent on"), null=True, blank=True)
    receipt_language = models.CharField(
        _("receipt language"),
        max_length=8,
        blank=True,
        editable=False,
        help_text=_("The language the donor used when giving; the receipt is written in it."),
    )
    received_on = models.DateField(_("received on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    ledger_transaction_ref = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("gift")
        verbose_name_plural = _("gifts")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="gift_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(currency__regex=r"^[A-Z]{3}$"), name="gift_currency_iso"
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_event_id"],
                condition=~models.Q(provider_event_id=""),
                name="gift_provider_event_unique",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(source=GiftSource.PROVIDER_WEBHOOK)
                    & ~models.Q(provider="")
                    & ~models.Q(provider_event_id="")
                )
                | (~models.Q(source=GiftSource.PROVIDER_WEBHOOK) & models.Q(provider_event_id="")),
                name="gift_provider_event_iff_webhook",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "received_on"])]

    def __str__(self) -> str:
        return f"gift {self.public_id}"


class ExchangeRate(models.Model):
    """``1 base_currency = rate quote_currency`` on ``as_of``, from ``source``.

    Gifts and ledger postings are never converted; reports and booking charges
    (``bookings.cash``) use these rows to value amounts in another currency.
    """

    base_currency = models.CharField(_("from currency"), max_length=3)
    quote_currency = models.CharField(_("to currency"), max_length=3)
    rate = models.DecimalField(_("rate"), max_digits=20, decimal_places=10)
    as_of = models.DateField(_("as of"))
    source = models.CharField(_("source"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["base_currency", "quote_currency", "-as_of"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(
                fields=["base_currency", "quote_currency", "as_of"],
                name="exchange_rate_unique_per_day",
            ),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="exchange_rate_positive"),
            models.CheckConstraint(
                condition=~models.Q(base_currency=models.F("quote_currency")),
                name="exchange_rate_two_currencies",
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.base_currency} = {self.rate} {self.quote_currency} ({self.as_of})"

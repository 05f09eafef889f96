"""Every write of gifts: provider webhook gifts, staff entries, receipts sent, exports.

Each ``do_*`` performs the whole change in one ``transaction.atomic()``: the gift row,
its ledger posting, the audit event and the receipt e-mail enqueued on commit.
"""

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language

from safepassage.accounts.models import User
from safepassage.audit.actions import SYSTEM_ACTOR, record_audit_event
from safepassage.audit.models import AuditEvent
from safepassage.core.money import CURRENCY_MINOR_UNITS, Money
from safepassage.donations.donor_sealing import seal_donor_value
from safepassage.donations.gifts.errors import (
    CampaignNotRunByOrganisation,
    EventIdReused,
    ExportLimitReached,
    InvalidExchangeRate,
    UnknownDestination,
    UnsupportedCurrency,
)
from safepassage.donations.gifts.ledger_posting import post_gift_to_ledger
from safepassage.donations.gifts.tasks import send_gift_receipt
from safepassage.donations.gifts.webhooks import (
    GiftEvent,
    is_gift_event,
    parse_gift_event,
    verify_signature,
)
from safepassage.donations.models import Campaign, ExchangeRate, Gift, GiftSource
from safepassage.organisations.models import Organisation

DONOR_NAME_FIELD = "donor_name"
RECEIPT_EMAIL_FIELD = "receipt_email"


@dataclass(frozen=True, kw_only=True)
class GiftDestination:
    """Where a gift goes: an organisation's general fund, or one of its campaigns."""

    organisation: Organisation
    campaign: Campaign | None


@dataclass(frozen=True, kw_only=True)
class RecordedGift:
    gift: Gift
    created: bool


def check_gift_destination(
    *, campaign_id: uuid.UUID | None, organisation_id: uuid.UUID | None
) -> GiftDestination:
    """Resolve a webhook's destination ids to rows, or :class:`UnknownDestination`."""
    if campaign_id is not None:
        campaign = (
            Campaign.objects.select_related("organisation").filter(public_id=campaign_id).first()
        )
        if campaign is None:
            raise UnknownDestination
        return GiftDestination(organisation=campaign.organisation, campaign=campaign)
    organisation = (
        Organisation.objects.filter(public_id=organisation_id).first()
        if organisation_id is not None
        else None
    )
    if organisation is None:
        raise UnknownDestination
    return GiftDestination(organisation=organisation, campaign=None)


def check_staff_gift_destination(
    *, organisation: Organisation, campaign: Campaign | None
) -> GiftDestination:
    """Staff record gifts for their own organisation's fund or campaigns only."""
    if campaign is not None and campaign.organisation_id != organisation.pk:
        raise CampaignNotRunByOrganisation
    return GiftDestination(organisation=organisation, campaign=campaign)


def _same_gift(*, gift: Gift, amount: Money, destination: GiftDestination) -> bool:
    stored = Money(amount=gift.amount, currency=gift.currency)
    campaign_id = destination.campaign.pk if destination.campaign is not None else None
    return (
        stored == amount
        and gift.organisation_id == destination.organisation.pk
        and gift.campaign_id == campaign_id
    )


def _record_gift(
    *,
    idempotency_key: str,
    destination: GiftDestination,
    amount: Money,
    source: str,
    received_on: datetime.date,
    donor_name: str,
    donor_email: str,
    is_anonymous: bool,
    recorded_by: User | None,
    receipt_language: str,
    provider: str = "",
    provider_event_id: str = "",
) -> RecordedGift:
    """Insert the gift and everything that goes with it, or find the one recorded before.

    Runs inside the caller's transaction. The insert sits in a savepoint: a concurrent
    or repeated delivery with the same key fails on the unique index, rolls back only
    the savepoint and returns the gift already there (nothing else is written).
    """
    existing = Gift.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if not _same_gift(gift=existing, amount=amount, destination=destination):
            raise EventIdReused
        return RecordedGift(gift=existing, created=False)
    gift = Gift(
        organisation=destination.organisation,
        campaign=destination.campaign,
        amount=amount.amount,
        currency=amount.currency,
        source=source,
        provider=provider,
        provider_event_id=provider_event_id,
        idempotency_key=idempotency_key,
        is_anonymous=is_anonymous,
        received_on=received_on,
        recorded_by=recorded_by,
        receipt_language=receipt_language,
    )
    if donor_name and not is_anonymous:
        gift.donor_name_envelope = seal_donor_value(
            gift_id=str(gift.public_id), field=DONOR_NAME_FIELD, text=donor_name
        )
    if donor_email:
        gift.receipt_email_envelope = seal_donor_value(
            gift_id=str(gift.public_id), field=RECEIPT_EMAIL_FIELD, text=donor_email
        )
    try:
        with transaction.atomic():
            gift.save(force_insert=True)
    except IntegrityError:
        existing = Gift.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        if not _same_gift(gift=existing, amount=amount, destination=destination):
            raise EventIdReused from None
        return RecordedGift(gift=existing, created=False)
    gift.ledger_transaction_ref = post_gift_to_ledger(gift=gift, amount=amount)
    gift.save(update_fields=["ledger_transaction_ref"])
    record_audit_event(
        actor_ref=str(recorded_by.public_id) if recorded_by is not None else SYSTEM_ACTOR,
        action="gift.recorded",
        object_type="gift",
        object_ref=str(gift.public_id),
        organisation_ref=str(destination.organisation.public_id),
    )
    if donor_email:
        gift_id = str(gift.public_id)
        transaction.on_commit(
            lambda: send_gift_receipt.enqueue(gift_id=gift_id, language=receipt_language)
        )
    return RecordedGift(gift=gift, created=True)


def check_record_provider_gift(
    *,
    provider: str,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    now: datetime.datetime,
) -> tuple[GiftEvent, GiftDestination] | None:
    """Verify a webhook delivery and resolve what it records; ``None`` for an event type
    we ignore. Raises a :class:`GiftError` (signature, timestamp, content) otherwise;
    nothing is written here."""
    verify_signature(timestamp=timestamp, signature=signature, body=body, now=now)
    if not is_gift_event(body):
        return None
    event = parse_gift_event(provider=provider, body=body, today=timezone.localdate(now))
    destination = check_gift_destination(
        campaign_id=event.campaign_id, organisation_id=event.organisation_id
    )
    return event, destination


def do_record_provider_gift(*, event: GiftEvent, destination: GiftDestination) -> RecordedGift:
    """Record a gift announced by a verified provider webhook, once per event id.

    A second delivery of the same event (sequential or concurrent) returns the gift
    recorded the first time and writes nothing; the same event id with a different
    amount or destination raises :class:`EventIdReused`.
    """
    with transaction.atomic():
        return _record_gift(
            idempotency_key=f"webhook:{event.provider}:{event.event_id}",
            destination=destination,
            amount=event.amount,
            source=GiftSource.PROVIDER_WEBHOOK,
            received_on=event.received_on,
            donor_name=event.donor_name,
            donor_email=event.donor_email,
            is_anonymous=event.is_anonymous,
            recorded_by=None,
            # The donor's, as the provider's checkout recorded it; never this request's
            # (the provider's server chose its Accept-Language, not the donor).
            receipt_language=event.language or settings.LANGUAGE_CODE,
            provider=event.provider,
            provider_event_id=event.event_id,
        )


def do_record_staff_gift(
    *,
    user: User,
    submission_key: str,
    destination: GiftDestination,
    amount: Money,
    source: str,
    received_on: datetime.date,
    donor_name: str,
    donor_email: str,
) -> RecordedGift:
    """Record a gift a staff member entered (bank transfer, cash at an event, other).

    ``submission_key`` is the random token of the form that was shown, so submitting
    the same form twice records one gift.
    """
    with transaction.atomic():
        return _record_gift(
            idempotency_key=f"staff:{submission_key}",
            destination=destination,
            amount=amount,
            source=source,
            received_on=received_on,
            donor_name=donor_name,
            donor_email=donor_email,
            is_anonymous=not donor_name,
            recorded_by=user,
            receipt_language=get_language() or settings.LANGUAGE_CODE,
        )


def check_record_exchange_rate(*, base_currency: str, quote_currency: str, rate: Decimal) -> None:
    """Both currencies supported and different, the rate positive and storable."""
    for currency in (base_currency, quote_currency):
        if currency not in CURRENCY_MINOR_UNITS:
            raise UnsupportedCurrency
    if base_currency == quote_currency or not rate.is_finite() or rate <= 0:
        raise InvalidExchangeRate
    if rate.adjusted() >= 10 or rate != rate.quantize(Decimal(1).scaleb(-10)):  # Decimal(20, 10)
        raise InvalidExchangeRate


def do_record_exchange_rate(
    *, base_currency: str, quote_currency: str, rate: Decimal, as_of: datetime.date, source: str
) -> ExchangeRate:
    """Record (or correct) the rate of one day, for reporting conversions only; audited."""
    with transaction.atomic():
        exchange_rate, _created = ExchangeRate.objects.update_or_create(
            base_currency=base_currency,
            quote_currency=quote_currency,
            as_of=as_of,
            defaults={"rate": rate, "source": source},
        )
        record_audit_event(
            actor_ref=SYSTEM_ACTOR,
            action="exchange_rate.recorded",
            object_type="exchange_rate",
            object_ref=f"{base_currency}-{quote_currency}-{as_of.isoformat()}",
        )
    return exchange_rate


#: SR-29: exports per user per rolling hour (gifts and pledges together), counted from
#: the audit trail. Two exports racing at the limit may both pass; the cap is a brake on
#: bulk copying by a stolen account, not an exact quota.
EXPORTS_PER_HOUR = 20
EXPORT_ACTIONS = (
    "gifts.exported_encrypted",
    "pledges.exported_encrypted",
    "reports.exported_encrypted",
    # Before exports were encrypted (SR-29): they still count within their hour.
    "gifts.exported",
    "pledges.exported",
    "reports.exported",
)


def check_export_allowed(*, user: User, now: datetime.datetime) -> None:
    """Refuse an export beyond :data:`EXPORTS_PER_HOUR` in the last hour."""
    recent = AuditEvent.objects.filter(
        actor=str(user.public_id),
        action__in=EXPORT_ACTIONS,
        occurred_at__gte=now - datetime.timedelta(hours=1),
    ).count()
    if recent >= EXPORTS_PER_HOUR:
        raise ExportLimitReached


def do_record_gift_export(*, user: User, organisation: Organisation) -> None:
    """Audit an encrypted CSV export of the organisation's gifts (who and when, never what
    nor the passphrase)."""
    with transaction.atomic():
        record_audit_event(
            actor_ref=str(user.public_id),
            action="gifts.exported_encrypted",
            object_type="organisation",
            object_ref=str(organisation.public_id),
            organisation_ref=str(organisation.public_id),
        )

"""Verify and parse a payment provider's gift webhook.

The provider sends ``POST /donate/gifts/webhook/<provider>/`` with two headers:

- ``SafePassage-Timestamp``: Unix time in whole seconds when the provider signed it;
- ``SafePassage-Signature``: ``sha256=<hex>``, the HMAC-SHA256 of
  ``"<timestamp>." + raw body`` under the shared secret.

The secret comes from ``SAFEPASSAGE_PAYMENT_WEBHOOK_SECRET`` (several secrets separated
by commas while one is being rotated); development falls back to
:data:`DEVELOPMENT_WEBHOOK_SECRET`, production refuses every delivery until it is set.
A timestamp more than :data:`MAX_CLOCK_SKEW_SECONDS` from now is refused, so a captured
delivery cannot be replayed later; within that window the provider's event id makes a
repeated delivery a no-op (see ``actions.do_record_provider_gift``).

The body is JSON::

    {"id": "evt_1", "type": "gift.completed", "amount": "25.00", "currency": "EUR",
     "campaign": "<campaign public id>"  (or "organisation": "<organisation public id>"),
     "received_on": "2026-11-25", "donor": {"name": "…", "email": "…", "anonymous": false},
     "language": "ru"}

``amount`` is a string so it is never a binary float; ``received_on``, ``donor`` and
``language`` are optional. ``language`` is the language (or locale, ``ru-RU``) the donor
used at the provider's checkout; the receipt is written in it when the site speaks it,
else in the site's default language. Other event types are acknowledged and ignored.
Nothing here logs the body.
"""

import datetime
import hashlib
import hmac
import json
import os
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext_lazy as _

from safepassage.core.money import Money, MoneyError, UnknownCurrencyError
from safepassage.donations.gifts.errors import (
    InvalidGiftAmount,
    MalformedGiftEvent,
    ReceivedTooLongAgo,
    UnsupportedCurrency,
    WebhookNotConfigured,
    WebhookSignatureInvalid,
    WebhookTimestampOutOfRange,
)

SECRET_ENVIRONMENT_VARIABLE = "SAFEPASSAGE_PAYMENT_WEBHOOK_SECRET"  # noqa: S105  # a variable name, not a secret
DEVELOPMENT_WEBHOOK_SECRET = "development-only-payment-webhook-secret"  # noqa: S105  # development only; production requires the environment variable
TIMESTAMP_HEADER = "SafePassage-Timestamp"
SIGNATURE_HEADER = "SafePassage-Signature"
SIGNATURE_PREFIX = "sha256="
MAX_CLOCK_SKEW_SECONDS = 300
MAX_BODY_BYTES = 64 * 1024
GIFT_EVENT_TYPE = "gift.completed"
PROVIDER_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
_EVENT_ID_PATTERN = re.compile(r"[A-Za-z0-9_.:-]{1,200}")
_DONOR_NAME_MAX_LENGTH = 150
OLDEST_GIFT_YEARS = 10
"""How far back a gift may be dated. Older dates are typos (a year typed as 26 is the year
26): every month since the oldest gift becomes a row of the public transparency page."""


def webhook_secrets() -> list[bytes]:
    """The secrets a signature may be made with; empty in production when unset."""
    configured = [
        part.strip()
        for part in os.environ.get(SECRET_ENVIRONMENT_VARIABLE, "").split(",")
        if part.strip()
    ]
    if not configured and not settings.PRODUCTION:
        configured = [DEVELOPMENT_WEBHOOK_SECRET]
    return [secret.encode("utf-8") for secret in configured]


def sign_payload(*, secret: bytes, timestamp: str, body: bytes) -> str:
    """The signature header value for ``body`` signed at ``timestamp`` (tests, clients)."""
    digest = hmac.new(secret, timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return SIGNATURE_PREFIX + digest.hexdigest()


def verify_signature(
    *, timestamp: str | None, signature: str | None, body: bytes, now: datetime.datetime
) -> None:
    """Raise unless ``signature`` is a valid, fresh signature of ``body``.

    The signature is checked first (in constant time, against every configured secret),
    the timestamp second, so an unsigned request learns nothing about our clock.
    """
    secrets = webhook_secrets()
    if not secrets:
        raise WebhookNotConfigured
    if (
        not timestamp
        or not signature
        or not timestamp.isascii()
        or not timestamp.isdigit()
        or len(timestamp) > 12
    ):
        raise WebhookSignatureInvalid
    valid = False
    for secret in secrets:
        expected = sign_payload(secret=secret, timestamp=timestamp, body=body)
        valid |= hmac.compare_digest(expected.encode("ascii"), signature.strip().encode("utf-8"))
    if not valid:
        raise WebhookSignatureInvalid
    if abs(now.timestamp() - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
        raise WebhookTimestampOutOfRange


@dataclass(frozen=True, kw_only=True)
class GiftEvent:
    """A verified provider event announcing one completed gift."""

    provider: str
    event_id: str
    amount: Money
    campaign_id: uuid.UUID | None
    organisation_id: uuid.UUID | None
    received_on: datetime.date
    donor_name: str
    donor_email: str
    is_anonymous: bool
    language: str = ""
    """A language code of ``settings.LANGUAGES``, or empty when the donor's is unknown."""


def _refuse_float(value: str) -> Decimal:
    raise MalformedGiftEvent(_('Numbers must be sent as strings, for example "12.50".'))


def _load(body: bytes) -> dict[str, object]:
    try:
        data = json.loads(body.decode("utf-8"), parse_float=_refuse_float, parse_int=str)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        # RecursionError: nested deeper than the parser goes (a 64 KiB body can be)
        raise MalformedGiftEvent(_("The body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise MalformedGiftEvent(_("The body must be a JSON object."))
    return data


def _text(data: dict[str, object], key: str, *, required: bool = True) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise MalformedGiftEvent(_("The field “%(field)s” must be a string.") % {"field": key})
    return value


def _uuid(data: dict[str, object], key: str) -> uuid.UUID | None:
    value = _text(data, key, required=False)
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise MalformedGiftEvent(
            _("The field “%(field)s” must be an id.") % {"field": key}
        ) from None


def _donor_language(data: dict[str, object]) -> str:
    """The site's variant of the donor's language (``ru-RU`` is ``ru``); empty if unknown
    or one the site does not speak: a receipt is never refused for its language."""
    value = _text(data, "language", required=False).strip()
    if not value or len(value) > 35:
        return ""
    try:
        return get_supported_language_variant(value.lower().replace("_", "-"))
    except LookupError:
        return ""


def parse_money(*, amount: str, currency: str) -> Money:
    """Exact ``Money`` from the strings a provider or a form sends, or a typed error."""
    try:
        value = Decimal(amount.strip())
    except InvalidOperation:
        raise InvalidGiftAmount from None
    try:
        money = Money(amount=value, currency=currency.strip().upper())
    except UnknownCurrencyError:
        raise UnsupportedCurrency from None
    except MoneyError as error:
        if error.code == "invalid-currency":
            raise UnsupportedCurrency from None
        raise InvalidGiftAmount from None
    if money.amount <= 0 or money.amount.adjusted() >= 11:  # fits Decimal(14, 3)
        raise InvalidGiftAmount
    return money


def check_received_on(*, received_on: datetime.date, today: datetime.date) -> None:
    """Raise :class:`ReceivedTooLongAgo` for a day more than :data:`OLDEST_GIFT_YEARS` ago."""
    oldest = datetime.date(today.year - OLDEST_GIFT_YEARS, today.month, min(today.day, 28))
    if received_on < oldest:
        raise ReceivedTooLongAgo


def is_gift_event(body: bytes) -> bool:
    """Whether a verified body announces a completed gift (other types are ignored)."""
    return _load(body).get("type") == GIFT_EVENT_TYPE


def parse_gift_event(*, provider: str, body: bytes, today: datetime.date) -> GiftEvent:
    """Parse a verified body into a :class:`GiftEvent`, or raise a typed error."""
    data = _load(body)
    event_id = _text(data, "id")
    if _EVENT_ID_PATTERN.fullmatch(event_id) is None:
        raise MalformedGiftEvent(_("The event id is not valid."))
    amount = parse_money(amount=_text(data, "amount"), currency=_text(data, "currency"))
    campaign_id = _uuid(data, "campaign")
    organisation_id = _uuid(data, "organisation")
    if (campaign_id is None) == (organisation_id is None):
        raise MalformedGiftEvent(_("Name exactly one of “campaign” and “organisation”."))
    received = _text(data, "received_on", required=False)
    try:
        received_on = datetime.date.fromisoformat(received) if received else today
    except ValueError:
        raise MalformedGiftEvent(_("“received_on” must be a date like 2026-11-25.")) from None
    if received_on > today + datetime.timedelta(days=1):  # a day of slack for time zones
        raise MalformedGiftEvent(_("“received_on” is in the future."))
    try:
        check_received_on(received_on=received_on, today=today)
    except ReceivedTooLongAgo:
        raise MalformedGiftEvent(_("“received_on” is more than 10 years ago.")) from None
    donor = data.get("donor") or {}
    if not isinstance(donor, dict):
        raise MalformedGiftEvent(_("“donor” must be an object."))
    donor_name = _text(donor, "name", required=False).strip()[:_DONOR_NAME_MAX_LENGTH]
    donor_email = _text(donor, "email", required=False).strip()
    if donor_email:
        try:
            validate_email(donor_email)
        except ValidationError:
            raise MalformedGiftEvent(_("The donor's e-mail address is not valid.")) from None
    anonymous = donor.get("anonymous", not donor_name)
    if not isinstance(anonymous, bool):
        raise MalformedGiftEvent(_("“anonymous” must be true or false."))
    return GiftEvent(
        provider=provider,
        event_id=event_id,
        amount=amount,
        campaign_id=campaign_id,
        organisation_id=organisation_id,
        received_on=received_on,
        donor_name=donor_name,
        donor_email=donor_email,
        is_anonymous=anonymous or not donor_name,
        language=_donor_language(data),
    )


def today() -> datetime.date:
    return timezone.localdate()

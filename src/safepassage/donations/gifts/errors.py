"""Typed errors of gifts: each has a stable ``code`` and a translatable ``message``."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class GiftError(Exception):
    code = "gift_error"
    message: str | Promise = _("The gift could not be recorded.")

    def __init__(self, message: str | Promise | None = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(self.code)


class WebhookSignatureInvalid(GiftError):
    code = "bad_signature"
    message = _("The signature is missing or does not match.")


class WebhookTimestampOutOfRange(GiftError):
    code = "stale_timestamp"
    message = _("The timestamp is missing or more than five minutes away from now.")


class WebhookNotConfigured(GiftError):
    code = "not_configured"
    message = _("Gifts from payment providers are not configured on this server.")


class MalformedGiftEvent(GiftError):
    code = "malformed_event"
    message = _("The event is not valid.")


class InvalidGiftAmount(GiftError):
    code = "invalid_amount"
    message = _(
        "The amount must be a positive number with no more decimal places than the currency allows."
    )


class ReceivedTooLongAgo(GiftError):
    code = "received_too_long_ago"
    message = _(
        "A gift cannot be dated more than 10 years ago. Please check the year: "
        "it should have four digits."
    )


class UnsupportedCurrency(GiftError):
    code = "unsupported_currency"
    message = _("This currency is not supported.")


class UnknownDestination(GiftError):
    code = "unknown_destination"
    message = _("No campaign or organisation with this id receives gifts here.")


class CampaignNotRunByOrganisation(GiftError):
    code = "campaign_not_run_by_organisation"
    message = _("This campaign is not run by this organisation.")


class EventIdReused(GiftError):
    """The same provider event id or staff form was recorded before with other details."""

    code = "event_id_reused"
    message = _("This gift was already recorded with different details.")


class InvalidExchangeRate(GiftError):
    code = "invalid_exchange_rate"
    message = _(
        "A rate needs two different currencies and a positive rate with at most ten decimal places."
    )


class ExportLimitReached(GiftError):
    code = "export_limit_reached"
    message = _("You have exported a lot in the last hour. Try again later.")

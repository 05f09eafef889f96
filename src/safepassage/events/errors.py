"""Typed errors of the events app."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class EventsError(Exception):
    code = "events_error"
    message: str | Promise = _("Something went wrong with the event.")


class EventSlugTaken(EventsError):
    code = "event_slug_taken"
    message = _("Another event uses this address already.")


class EventSlugReserved(EventsError):
    code = "event_slug_reserved"
    message = _("This address is reserved; please choose another.")


class EventTimesInvalid(EventsError):
    code = "event_times_invalid"
    message = _("An event must end after it starts.")


class OrganiserNotAllowed(EventsError):
    code = "organiser_not_allowed"
    message = _("You cannot run events for this organisation.")


class CampaignNotAllowed(EventsError):
    code = "campaign_not_allowed"
    message = _("Link only a campaign run by the organiser or one of the beneficiaries.")

"""Typed errors of pledges: a stable code and a message the donor can act on."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safepassage.site.numbers import grouped_number


class PledgeError(Exception):
    code = "pledge_error"
    field: str | None = None
    message: str | Promise = _("Something went wrong with the pledge.")

    def __str__(self) -> str:
        return str(self.message)


class ProgramNotAccepting(PledgeError):
    code = "program_not_accepting"
    field = "program"
    message = _("We are not taking pledges in this program at the moment.")


class BelowMinimum(PledgeError):
    code = "below_minimum"
    field = "miles"

    def __init__(self, *, minimum: int) -> None:
        super().__init__()
        self.minimum = minimum
        self.message = _(
            "This program needs at least %(minimum)s miles or points in one pledge: we cannot "
            "combine several donors' miles into one ticket, so one pledge must pay for a seat."
        ) % {"minimum": grouped_number(minimum)}


class TooManyMiles(PledgeError):
    code = "too_many_miles"
    field = "miles"
    message = _("That is more than any program account holds; please check the number.")


class BookingForOthersNotAllowed(PledgeError):
    code = "booking_for_others_not_allowed"
    field = "program"
    message = _(
        "This program only lets members book award tickets for themselves or their family, "
        "so these miles cannot fly someone else. Please choose another program."
    )


class NomineesRequired(PledgeError):
    code = "nominees_required"
    field = "max_travellers"

    def __init__(self, *, limit: int | None) -> None:
        super().__init__()
        self.limit = limit
        if limit:
            self.message = _(
                "This program lets you book only for named people (at most %(limit)s). "
                "Tell us how many travellers you could add."
            ) % {"limit": limit}
        else:
            self.message = _(
                "This program lets you book only for named people. "
                "Tell us how many travellers you could add."
            )


class TooManyTravellers(PledgeError):
    code = "too_many_travellers"
    field = "max_travellers"

    def __init__(self, *, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.message = _("This program allows at most %(limit)s named travellers.") % {
            "limit": limit
        }


class TransferPartnerRequired(PledgeError):
    code = "transfer_partner_required"
    field = "transfer_partner"
    message = _("Choose the airline program these points would be transferred to.")


class TransferPartnerNotOffered(PledgeError):
    code = "transfer_partner_not_offered"
    field = "transfer_partner"
    message = _("These points do not transfer to that airline program.")


class TransferPartnerOnlyForPoints(PledgeError):
    code = "transfer_partner_only_for_points"
    field = "transfer_partner"
    message = _("Only bank points are transferred; leave this empty for airline miles.")


class ExpiryTooSoon(PledgeError):
    code = "expiry_too_soon"
    field = "expires_on"
    message = _("The expiry date must be in the future.")


class ContactWindowInvalid(PledgeError):
    code = "contact_window_invalid"
    field = "contact_before"
    message = _("The contact date must be between today and the expiry date.")


class PledgeNotOpen(PledgeError):
    code = "pledge_not_open"
    message = _("This pledge can no longer be changed.")


class MilesSetAside(PledgeError):
    code = "miles_set_aside"
    field = "miles"

    def __init__(self, *, committed: int) -> None:
        super().__init__()
        self.message = _(
            "%(committed)s miles of this pledge are already set aside or used for a "
            "traveller, so it cannot go below that."
        ) % {"committed": grouped_number(committed)}


class SubmissionExpired(PledgeError):
    code = "submission_expired"
    message = _("This form is too old. Please check your answers and send it again.")


class DelegationNotOffered(PledgeError):
    code = "delegation_not_offered"
    field = "delegated_booking_consent"
    message = _(
        "With this program's miles you book the tickets yourself: its rules (or what we know "
        "of them) do not let the fund book with your access."
    )

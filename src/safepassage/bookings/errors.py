"""Typed errors of allocation and booking: a stable code and a message staff or donors act on."""

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class BookingsError(Exception):
    code = "bookings_error"
    message: str | Promise = _("Something went wrong with the allocation or booking.")

    def __str__(self) -> str:
        return str(self.message)


class KeysLocked(BookingsError):
    code = "keys_locked"
    message = _(
        "Your keys are not unlocked in this session. Sign out and sign in again with your "
        "password to work on trips."
    )


class NoCaseKey(BookingsError):
    code = "no_case_key"
    message = _("You hold no travel key for this case: ask a caseworker to add you to it.")


class NoOrganisationKeys(BookingsError):
    code = "no_organisation_keys"
    message = _("The case's organisation has no recovery key yet.")


class RunNotFinished(BookingsError):
    code = "run_not_finished"
    message = _("The allocation run has not finished yet.")


class NothingToAllocate(BookingsError):
    code = "nothing_to_allocate"
    message = _("There are no open travel requests to allocate.")


class PledgeChanged(BookingsError):
    code = "pledge_changed"
    message = _(
        "A pledge this plan uses has changed, expired or been withdrawn since the run: run "
        "the allocation again for this request."
    )


class RequestAlreadyAccepted(BookingsError):
    code = "request_already_accepted"
    message = _("This travel request already has an accepted allocation.")


class RequestNoLongerOpen(BookingsError):
    code = "request_no_longer_open"
    message = _("This travel request is no longer open for allocation.")


class RequestChanged(BookingsError):
    code = "request_changed"
    message = _(
        "The route option this plan chose was changed or removed since the run: run the "
        "allocation again for this request."
    )


class RequestNotInPlan(BookingsError):
    code = "request_not_in_plan"
    message = _("The plan does not serve this request.")


class BookingNotOpen(BookingsError):
    code = "booking_not_open"
    message = _("This booking request is no longer open.")


class DelegationNotAllowed(BookingsError):
    """The coordinator may not take a request over: the donor books it (issue 6, item 7)."""

    code = "delegation_not_allowed"
    message = _(
        "This request stays with the donor: booking it with the donor's delegated access is "
        "not allowed."
    )


class ProgramRequiresDonor(DelegationNotAllowed):
    code = "program_requires_donor"
    message = _(
        "This program's rules say the donor must book with these miles, so the coordinator "
        "cannot book it with the donor's access. The request stays with the donor."
    )


class DelegationRuleUnknown(DelegationNotAllowed):
    code = "delegation_rule_unknown"
    message = _(
        "It is not known whether this program lets the fund book with the donor's access, so "
        "the donor books. An admin can record the program's rule, with its source, on the "
        "program facts page."
    )


class DonorHasNotAgreed(DelegationNotAllowed):
    code = "donor_has_not_agreed"
    message = _(
        "The donor has not agreed that the fund may book with their access, so the donor "
        "books. The donor can agree on their pledge's page (the link in their pledge e-mail)."
    )


def delegation_refusal(*, reason: str) -> DelegationNotAllowed:
    """The error that says why a take-over is refused (``selectors.ModeReason`` values)."""
    refusals: dict[str, type[DelegationNotAllowed]] = {
        "program_requires_donor": ProgramRequiresDonor,
        "rule_unknown": DelegationRuleUnknown,
        "donor_not_agreed": DonorHasNotAgreed,
    }
    return refusals.get(reason, DelegationNotAllowed)()


class BookingNotBooked(BookingsError):
    code = "booking_not_booked"
    message = _("This booking request was already cancelled or declined: nothing changed.")


class TooManyMilesCharged(BookingsError):
    code = "too_many_miles_charged"
    message = _(
        "More miles were charged than were set aside for this booking. Record the booking "
        "with the travel team instead."
    )


class PassengersMissing(BookingsError):
    code = "passengers_missing"
    message = _("Enter the passenger details before sending booking requests.")


class CodeInvalid(BookingsError):
    code = "code_invalid"
    message = _("That code is wrong or has expired. Ask for a new one.")


class CodeRequired(BookingsError):
    code = "code_required"
    message = _(
        "Your code has expired or was not entered: ask for a new one to record or decline "
        "the booking."
    )


class CodeRecentlySent(BookingsError):
    code = "code_recently_sent"
    message = _("A code was sent less than a minute ago: please check your e-mail.")


class LinkExhausted(BookingsError):
    code = "link_exhausted"
    message = _(
        "This link has had too many codes or wrong tries, so it sends and accepts no more "
        "codes. Please ask the coordinator who wrote to you to send you a new link."
    )


class NoDonorAddress(BookingsError):
    code = "no_donor_address"
    message = _("The donor's e-mail address is no longer stored, so no request can be sent.")


class TripNotReady(BookingsError):
    code = "trip_not_ready"
    message = _("The trip is not in a state that allows this change.")


class NotEnoughCash(BookingsError):
    code = "not_enough_cash"
    message = _(
        "This booking cannot be recorded yet: the organisation's ledger holds less cash than "
        "the taxes and fees charged (other currencies count only at a recorded exchange "
        "rate). Keep the booking reference and record it again once the travel team has "
        "recorded the cash."
    )


class NoExchangeRate(BookingsError):
    """A charge in ``currency`` must be valued in the run's currency ``into`` and no recent
    rate between them is recorded (``selectors.RATE_MAX_AGE_DAYS``): refused, never guessed."""

    code = "no_exchange_rate"

    def __init__(self, *, currency: str, into: str) -> None:
        super().__init__(currency, into)
        self.currency = currency
        self.into = into

    def __str__(self) -> str:
        from safepassage.bookings.selectors import RATE_MAX_AGE_DAYS  # selectors import errors

        return gettext(
            "This booking cannot be recorded yet: it was charged in %(currency)s and no "
            "exchange rate from %(currency)s to %(into)s (the run's currency) has been recorded "
            "in the last %(days)s days, so nothing was written. Keep the booking reference: "
            "once the travel team has recorded today's rate (safepassage "
            "record_exchange_rate), record the booking again."
        ) % {"currency": self.currency, "into": self.into, "days": RATE_MAX_AGE_DAYS}


class RunNotQueued(BookingsError):
    code = "run_not_queued"
    message = _("Only a run still waiting for the worker can be cancelled.")


# --- cash refunds of cancelled bookings ------------------------------------------------


class RefundNotCancelled(BookingsError):
    code = "refund_not_cancelled"
    message = _("A refund can be recorded only for a cancelled booking.")


class NoCashPaid(BookingsError):
    code = "no_cash_paid"
    message = _("No cash was paid for this booking, so there is no refund to record.")


class RefundClosed(BookingsError):
    code = "refund_closed"
    message = _("This booking's refund is closed: no further refund was recorded for it.")


class NothingLeftToRefund(BookingsError):
    code = "nothing_left_to_refund"
    message = _("Everything paid for this booking has already come back.")


class RefundCurrencyNotPaid(BookingsError):
    """A refund in a currency none of the booking's cash was paid in."""

    code = "refund_currency_not_paid"

    def __init__(self, *, currency: str, paid: tuple[str, ...]) -> None:
        super().__init__(currency, paid)
        self.currency = currency
        self.paid = paid

    def __str__(self) -> str:
        return gettext(
            "Nothing was paid in %(currency)s for this booking, so nothing was written. Record "
            "what came back in the currency it was paid in (%(paid)s); money that arrived "
            "converted into another currency is not a refund of this booking."
        ) % {"currency": self.currency, "paid": ", ".join(self.paid)}


class RefundTooLarge(BookingsError):
    """More would come back in a currency than was paid in it and not yet refunded."""

    code = "refund_too_large"

    def __init__(self, *, most: str, currency: str) -> None:
        super().__init__(most, currency)
        self.most = most
        self.currency = currency

    def __str__(self) -> str:
        return gettext(
            "That is more than was paid in %(currency)s for this booking and not refunded yet "
            "(at most %(most)s %(currency)s), so nothing was written. Check the amount the "
            "airline refunded."
        ) % {"most": self.most, "currency": self.currency}


class BudgetAboveCash(BookingsError):
    """A run's cash budget above what the organisation holds, counted in the run's currency
    (``cash.cash_position``): the allocator would plan tickets nobody can pay."""

    code = "budget_above_cash"

    def __init__(self, *, available: str, currency: str, missing: tuple[str, ...]) -> None:
        super().__init__(available, currency, missing)
        self.available = available
        self.currency = currency
        self.missing = missing

    def __str__(self) -> str:
        message = gettext(
            "The cash budget is more than your organisation holds: its fund and campaigns "
            "count for at most %(available)s %(currency)s, so nothing was started. Enter a "
            "budget up to that amount, or record the cash first."
        ) % {"available": self.available, "currency": self.currency}
        if self.missing:
            message += " " + gettext(
                "Not counted, for want of a recent exchange rate into %(currency)s: "
                "%(missing)s (record one with safepassage record_exchange_rate)."
            ) % {"currency": self.currency, "missing": ", ".join(self.missing)}
        return message


class RequestEmailNotSent(BookingsError):
    """The booking requests were saved and marked sent, but the mail server refused or
    could not be reached for at least one donor's e-mail (the others were still sent)."""

    code = "request_email_not_sent"
    message = _(
        "The booking requests are saved as sent, but the e-mail to at least one donor could "
        "not be sent: the mail server did not take it. Send the requests again once mail "
        "works; each donor then gets a new link."
    )


class CodeEmailNotSent(BookingsError):
    code = "code_email_not_sent"
    message = _("We could not e-mail the code just now. Please try again in a few minutes.")

"""Typed errors of the intake app, each with a code and a translatable message."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class IntakeError(Exception):
    code = "intake_error"
    message: str | Promise = _("Something went wrong. Please try again.")


class IntakeUnavailable(IntakeError):
    code = "intake_unavailable"
    message = _(
        "Requests cannot be received at the moment. Please try again later or contact us "
        "another way."
    )


class SubmissionTokenRefused(IntakeError):
    """The form's one-time token is missing, altered or too old: nothing was sent."""

    code = "submission_token_refused"
    message = _(
        "This form was open too long or could not be read, so nothing was sent now. Your "
        "answers are still here: check them and send the form again. If you already sent it "
        "and saw your codename, check your request with it instead."
    )


class SignInRefused(IntakeError):
    """One error for an unknown codename, a wrong one and a wrong case code (SR-15)."""

    code = "sign_in_refused"
    message = _(
        "We could not find a request with this codename and case code. Check every word "
        "and the case code, and try again."
    )


class NoApplicant(IntakeError):
    code = "no_applicant"
    message = _("This case did not come through the intake, so it has no applicant to write to.")


class WithdrawalRefused(IntakeError):
    """The request is past the point the applicant can withdraw it (or already ended)."""

    code = "withdrawal_refused"
    message = _("This request can no longer be withdrawn here. Write to your caseworker instead.")


class MessageNotFiled(IntakeError):
    code = "message_not_filed"
    message = _("This message cannot be opened with your keys.")


class PeppersMissing(IntakeUnavailable):
    """Production without codename peppers: the applicant sees only "unavailable"; the
    operator finds the reason in the log."""

    code = "peppers_missing"

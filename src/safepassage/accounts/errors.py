"""Typed errors of the accounts app, each with a translatable message."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class AccountsError(Exception):
    """Base of every accounts error; ``message`` is shown to the user."""

    code = "accounts_error"
    message: str | Promise = _("Something went wrong with your account.")


class InvitationInvalid(AccountsError):
    code = "invitation_invalid"
    message = _(
        "This invitation link is not valid: it may have expired, been used already, or been "
        "copied incompletely. Ask your organisation's admin for a new one."
    )


class InvitationForExistingAccount(AccountsError):
    code = "invitation_existing_account"
    message = _(
        "An account with this e-mail address exists. Sign in with it, then open the "
        "invitation link again to join the organisation."
    )


class InvitationWrongAccount(AccountsError):
    code = "invitation_wrong_account"
    message = _("This invitation was sent to a different e-mail address than your account's.")


class AlreadyMember(AccountsError):
    code = "already_member"
    message = _("This person is already a member of the organisation.")


class ReauthenticationRefused(AccountsError):
    code = "reauthentication_refused"
    message = _("The password or the code is wrong. Codes change every 30 seconds.")


class ReauthenticationLocked(AccountsError):
    code = "reauthentication_locked"
    message = _("Too many failed attempts.")


class ReplaceOwnKeysInstead(AccountsError):
    code = "replace_own_keys_instead"
    message = _("To replace your own key pair, use the page under Security.")


class ColleagueWorksElsewhere(AccountsError):
    code = "colleague_works_elsewhere"
    message = _(
        "This colleague also works for an organisation where you are not an admin, so you "
        "cannot replace their key pair here. Ask the operator to run "
        "'safepassage replace-staff-keys'."
    )


class ResetOwnTwoFactorRefused(AccountsError):
    code = "reset_own_two_factor_refused"
    message = _(
        "You cannot reset your own two-factor sign-in. Ask another admin of your "
        "organisation, or the operator."
    )


class TwoFactorColleagueWorksElsewhere(AccountsError):
    code = "two_factor_colleague_works_elsewhere"
    message = _(
        "This colleague also works for an organisation where you are not an admin, so you "
        "cannot reset their two-factor sign-in here. Ask the operator to run "
        "'safepassage reset-two-factor'."
    )


class NoTwoFactorResetToCancel(AccountsError):
    code = "no_two_factor_reset_to_cancel"
    message = _(
        "This colleague has no two-factor reset whose code still works, so there is nothing "
        "to cancel. If they still cannot sign in, reset their two-factor sign-in again."
    )


class EnrolmentCodeInvalid(AccountsError):
    code = "enrolment_code_invalid"
    message = _(
        "This enrolment code is not valid: it may be mistyped, expired (codes last 72 hours) "
        "or used already. Ask your organisation's admin to reset your two-factor sign-in "
        "again."
    )


class RemoveYourselfRefused(AccountsError):
    code = "remove_yourself_refused"
    message = _("You cannot remove yourself. Ask another admin of the organisation.")


class LastAdminRefused(AccountsError):
    code = "last_admin_refused"
    message = _(
        "This is the organisation's only admin. Invite another admin first, so that someone "
        "can still manage the organisation."
    )


class SecurityKeyRefused(AccountsError):
    code = "security_key_refused"
    message = _(
        "Your security key could not be checked. Try again, or sign in with a code from your "
        "authenticator app."
    )


class SecurityKeyReauthenticationRefused(AccountsError):
    code = "security_key_reauthentication_refused"
    message = _(
        "The password is wrong, or your security key could not be checked. Try again, or "
        "confirm with a code from your authenticator app."
    )


class SecurityKeyThrottled(AccountsError):
    code = "security_key_throttled"
    message = _("Too many failed attempts. Wait a little, then try again.")


class SecurityKeyNotRegistered(AccountsError):
    code = "security_key_not_registered"
    message = _(
        "The security key could not be added: the browser's answer was missing, expired or "
        "not valid for this site. Try again."
    )


class SecurityKeyAlreadyRegistered(AccountsError):
    code = "security_key_already_registered"
    message = _("This security key is already registered.")


class SecurityKeysUnavailable(AccountsError):
    code = "security_keys_unavailable"
    message = _(
        "Security keys work only over https at this site's own address. Sign in with a code "
        "from your authenticator app."
    )


class SessionAlreadyEnded(AccountsError):
    code = "session_already_ended"
    message = _("That session has already ended.")


class TwoFactorKeyMismatch(AccountsError):
    """An authenticator seed that does not open: the server's two-factor key is not the one
    it was sealed under (``SAFEPASSAGE_TWO_FACTOR_KEY``, or ``SECRET_KEY`` when unset)."""

    code = "two_factor_key_mismatch"
    message = _(
        "Authenticator codes cannot be checked at the moment: the server's two-factor key has "
        "changed. Nothing was changed in your account. Tell your operator; you can still sign "
        "in with a security key if you added one."
    )

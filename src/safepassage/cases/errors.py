"""Typed errors of the cases app (keys and cases), each with a code and a translatable message."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class CasesError(Exception):
    code = "cases_error"
    message: str | Promise = _("Something went wrong with the case.")


class KeysLocked(CasesError):
    code = "keys_locked"
    message = _(
        "Your keys are not unlocked in this session. Sign out and sign in again with your "
        "password to read and change case data."
    )


class NoKeyPair(CasesError):
    code = "no_key_pair"
    message = _("This staff member has no key pair yet and cannot be given case keys.")


class NoOrganisationKeys(CasesError):
    code = "no_organisation_keys"
    message = _(
        "This organisation has no recovery key yet. An operator sets it with "
        "'safepassage create-organisation --recovery-public-key'."
    )


class OrganisationKeysExist(CasesError):
    code = "organisation_keys_exist"
    message = _("This organisation already has a recovery key.")


class WrongPassword(CasesError):
    code = "wrong_password"
    message = _("The current password is wrong.")


class WrongRecoveryKey(CasesError):
    code = "wrong_recovery_key"
    message = _("This personal recovery key does not open your keys.")


class NoCaseKey(CasesError):
    code = "no_case_key"
    message = _("You hold no key for this part of the case.")


class NotInOrganisation(CasesError):
    code = "not_in_organisation"
    message = _("This person is not a case worker of the case's organisation.")


class AlreadyOnCase(CasesError):
    code = "already_on_case"
    message = _("This person already works on the case.")


class NotOnCase(CasesError):
    code = "not_on_case"
    message = _("This person does not work on the case.")


class HouseholdClosed(CasesError):
    code = "household_closed"
    message = _(
        "The household can no longer change: the case has travelled or ended, and the people "
        "recorded are the ones counted as moved. Someone who joins later needs a case of their "
        "own."
    )


class TransitionRefused(CasesError):
    code = "transition_refused"
    message = _("This change of state is not allowed for this case or for your role.")


class ReasonRequired(CasesError):
    code = "reason_required"
    message = _("Say why the state changes (at most 2,000 characters).")


class RecoveryResetRefused(CasesError):
    code = "recovery_reset_refused"
    message = _(
        "These details do not match an account. Check the e-mail address, the personal "
        "recovery key and the code from your authenticator app."
    )


class LastCaseMember(CasesError):
    code = "last_case_member"
    message = _(
        "This is the last person working on the case. Add a colleague first: otherwise only "
        "the offline recovery key could open it."
    )


class TaskAssigneeRefused(CasesError):
    code = "task_assignee_refused"
    message = _(
        "A task goes to someone working on the case who holds its narrative key (a caseworker "
        "or admin on the case)."
    )


class TaskAlreadyDone(CasesError):
    code = "task_already_done"
    message = _("This task is already done.")


class DocumentTooLarge(CasesError):
    code = "document_too_large"
    message = _("The document is larger than 10 MB.")


class DocumentTypeRefused(CasesError):
    code = "document_type_refused"
    message = _("Only PDF files and PNG or JPEG images can be uploaded.")


class DocumentUnreadable(CasesError):
    code = "document_unreadable"
    message = _("This document cannot be opened: its file is missing or damaged.")


class NotPartners(CasesError):
    code = "not_partners"
    message = _("Cases can be referred only to organisations that list yours as a partner.")


class PartnerHasNoCaseTeam(CasesError):
    code = "partner_has_no_case_team"
    message = _("This organisation has no case-team key yet, so nobody there could open the case.")


class ReferralExists(CasesError):
    code = "referral_exists"
    message = _("This case is already referred to this organisation.")


class AlreadyHoldsCaseKeys(CasesError):
    code = "already_holds_case_keys"
    message = _(
        "You already hold this case's keys through another organisation you work for, so "
        "you cannot accept it a second time. A colleague of this organisation can accept it."
    )


class ReferralClosed(CasesError):
    code = "referral_closed"
    message = _("This referral was already accepted, revoked or has expired.")


class DocumentImageUnreadable(CasesError):
    code = "document_image_unreadable"
    message = _("This image cannot be read, or it has more than 40 million pixels.")


class AttentionDismissed(CasesError):
    code = "attention_dismissed"
    message = _("You already dismissed this.")


class CaseOpenLimitReached(CasesError):
    """SR-29: the person opened the most different cases allowed in one hour."""

    code = "case_open_limit_reached"
    message = _(
        "You have opened many different cases in the last hour, so this one was not opened. "
        "The cases you already opened this hour still open; try this one again later."
    )

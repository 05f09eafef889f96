"""Resetting a staff member's second factor after they lost both their authenticator and
their recovery codes (SR-19, SR-22, SR-23; decision 0025).

An organisation admin (for a colleague all of whose organisations they administer) or the
operator (``safepassage reset-two-factor``) deletes the member's authenticator and recovery
codes and ends every session of theirs. A one-time enrolment code is shown once to whoever
reset it, to hand over in person or through a trusted channel; only its hash is stored, it
expires after :data:`ENROLMENT_CODE_MAX_AGE` and works once. At the next sign-in the member
enters it after the password and only then may set up a new authenticator, so a stolen
password alone never enrols a device.
"""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from safepassage.accounts.errors import (
    EnrolmentCodeInvalid,
    NoTwoFactorResetToCancel,
    ResetOwnTwoFactorRefused,
    TwoFactorColleagueWorksElsewhere,
)
from safepassage.accounts.models import (
    Membership,
    SecurityKey,
    TwoFactorReset,
    User,
    new_session_epoch,
)
from safepassage.accounts.tasks import send_two_factor_reset_email
from safepassage.audit.actions import Outcome, record_audit_event
from safepassage.organisations.models import Organisation

RESET_TWO_FACTOR = "accounts.add_twofactorreset"
"""The permission an organisation admin needs, in every organisation the colleague works for."""

ENROLMENT_CODE_MAX_AGE = timedelta(hours=72)
ENROLMENT_SESSION_KEY = "safepassage_two_factor_reset"
"""The session remembers which reset's code it accepted; enrolment checks it."""


def new_enrolment_code() -> str:
    """128 random bits as 26 base32 letters and digits, in groups of four for reading out."""
    text = base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=")
    return "-".join(text[index : index + 4] for index in range(0, len(text), 4))


def _normalised(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


def hash_enrolment_code(code: str) -> str:
    return hashlib.sha256(_normalised(code).encode("ascii", "replace")).hexdigest()


@dataclass(frozen=True)
class TwoFactorResetResult:
    """The reset and its one-time enrolment code (shown once; kept out of ``repr``)."""

    reset: TwoFactorReset
    enrolment_code: str = field(repr=False)


def check_reset_colleague_two_factor(*, actor: User, member: User) -> None:
    """Not one's own, and only for a colleague all of whose organisations ``actor`` may
    do this in (the operator command covers the rest)."""
    if member.pk == actor.pk:
        raise ResetOwnTwoFactorRefused
    organisations = Organisation.objects.filter(
        pk__in=Membership.objects.filter(user=member).values("organisation_id")
    )
    if not all(actor.has_perm(RESET_TWO_FACTOR, organisation) for organisation in organisations):
        raise TwoFactorColleagueWorksElsewhere


def do_reset_colleague_two_factor(*, actor: User, member: User) -> TwoFactorResetResult:
    """An organisation admin resets a colleague's second factor (checked again here)."""
    with transaction.atomic():
        check_reset_colleague_two_factor(actor=actor, member=member)
        return _reset(member=member, reset_by=actor, actor_ref=str(actor.public_id))


def do_reset_two_factor_as_operator(*, member: User, actor_ref: str) -> TwoFactorResetResult:
    """The operator resets anyone's second factor (``safepassage reset-two-factor``)."""
    return _reset(member=member, reset_by=None, actor_ref=actor_ref)


def _reset(*, member: User, reset_by: User | None, actor_ref: str) -> TwoFactorResetResult:
    code = new_enrolment_code()
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=member.pk)
        TOTPDevice.objects.filter(user=locked).delete()
        StaticDevice.objects.filter(user=locked).delete()
        SecurityKey.objects.filter(user=locked).delete()  # a lost key goes too (decision 0035)
        # An earlier code not yet used to enrol stops working: only the newest counts.
        TwoFactorReset.objects.filter(user=locked, enrolled_at__isnull=True).delete()
        reset = TwoFactorReset.objects.create(
            user=locked,
            reset_by=reset_by,
            code_hash=hash_enrolment_code(code),
            expires_at=timezone.now() + ENROLMENT_CODE_MAX_AGE,
        )
        locked.session_epoch = new_session_epoch()  # every session of theirs ends
        locked.save(update_fields=["session_epoch"])
        _record_for_each_organisation(member=locked, actor_ref=actor_ref, action="two_factor.reset")
        language = get_language() or settings.LANGUAGE_CODE
        user_id = str(locked.public_id)
        transaction.on_commit(
            lambda: send_two_factor_reset_email.enqueue(user_id=user_id, language=language)
        )
    member.session_epoch = locked.session_epoch
    return TwoFactorResetResult(reset=reset, enrolment_code=code)


def _record_for_each_organisation(*, member: User, actor_ref: str, action: str) -> None:
    """One audit event per organisation of ``member`` (references only)."""
    organisation_refs = [
        str(public_id)
        for public_id in Membership.objects.filter(user=member)
        .order_by("organisation__public_id")
        .values_list("organisation__public_id", flat=True)
    ] or [""]
    for organisation_ref in organisation_refs:
        record_audit_event(
            actor_ref=actor_ref,
            action=action,
            object_type="user",
            object_ref=str(member.public_id),
            organisation_ref=organisation_ref,
        )


def code_still_works(reset: TwoFactorReset, *, now: datetime | None = None) -> bool:
    """True while the reset's code (or the session that accepted it) may still enrol."""
    return reset.enrolled_at is None and reset.expires_at > (now or timezone.now())


def check_cancel_two_factor_reset(*, actor: User, member: User) -> TwoFactorReset:
    """The colleague's pending reset whose code still works, for an admin who may reset
    their second factor (the same rule as a reset); else an :class:`AccountsError`."""
    check_reset_colleague_two_factor(actor=actor, member=member)
    pending = pending_two_factor_reset(user=member)
    if pending is None or not code_still_works(pending):
        raise NoTwoFactorResetToCancel
    return pending


def do_cancel_two_factor_reset(*, actor: User, reset: TwoFactorReset) -> None:
    """Make a pending reset's enrolment code stop working at once (it was handed to the
    wrong person, or read out where others heard it).

    The reset stays, expired now: the colleague still has no authenticator and cannot set
    one up with their password alone, so they need a new reset. A session that had
    accepted the code cannot enrol either (``may_enrol_authenticator`` checks the expiry).
    """
    with transaction.atomic():
        locked = TwoFactorReset.objects.select_for_update().select_related("user").get(pk=reset.pk)
        check_reset_colleague_two_factor(actor=actor, member=locked.user)
        if not code_still_works(locked):
            raise NoTwoFactorResetToCancel
        locked.expires_at = timezone.now()
        locked.save(update_fields=["expires_at"])
        _record_for_each_organisation(
            member=locked.user, actor_ref=str(actor.public_id), action="two_factor.reset_cancelled"
        )


def pending_two_factor_reset(*, user: User) -> TwoFactorReset | None:
    """The reset ``user`` has not yet enrolled a new authenticator after, if any."""
    return TwoFactorReset.objects.filter(user=user, enrolled_at__isnull=True).first()


def may_enrol_authenticator(*, request: HttpRequest, user: User) -> bool:
    """True unless a reset is pending whose code this session has not accepted."""
    pending = pending_two_factor_reset(user=user)
    if pending is None:
        return True
    return (
        pending.code_used_at is not None
        and request.session.get(ENROLMENT_SESSION_KEY) == str(pending.public_id)
        and pending.expires_at > timezone.now()
    )


def check_enrolment_code(*, user: User, code: str) -> TwoFactorReset:
    """The pending, unexpired, unused reset of ``user`` whose code this is, else
    :class:`EnrolmentCodeInvalid` (the same answer for every reason)."""
    pending = pending_two_factor_reset(user=user)
    if (
        pending is None
        or pending.code_used_at is not None
        or pending.expires_at <= timezone.now()
        or not hmac.compare_digest(pending.code_hash, hash_enrolment_code(code))
    ):
        raise EnrolmentCodeInvalid
    return pending


def do_accept_enrolment_code(*, request: HttpRequest, reset: TwoFactorReset) -> None:
    """Use the code up and let this session (only) set up a new authenticator."""
    with transaction.atomic():
        locked = TwoFactorReset.objects.select_for_update().get(pk=reset.pk)
        if locked.code_used_at is not None or locked.enrolled_at is not None:
            raise EnrolmentCodeInvalid
        locked.code_used_at = timezone.now()
        locked.save(update_fields=["code_used_at"])
        record_audit_event(
            actor_ref=str(reset.user.public_id),
            action="two_factor.enrolment_code",
            object_type="user",
            object_ref=str(reset.user.public_id),
        )
    request.session[ENROLMENT_SESSION_KEY] = str(locked.public_id)


def do_record_failed_enrolment_code(*, user: User) -> None:
    with transaction.atomic():
        record_audit_event(
            actor_ref=str(user.public_id),
            action="two_factor.enrolment_code",
            object_type="user",
            object_ref=str(user.public_id),
            outcome=Outcome.FAILURE,
        )


def mark_reset_enrolled(*, user: User) -> None:
    """Inside the enrolment's transaction: the pending reset is done."""
    TwoFactorReset.objects.filter(user=user, enrolled_at__isnull=True).update(
        enrolled_at=timezone.now()
    )

"""Every write of the accounts app. Views, commands and tasks call these."""

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticToken

from safepassage.accounts.errors import (
    AlreadyMember,
    EnrolmentCodeInvalid,
    InvitationForExistingAccount,
    InvitationInvalid,
    InvitationWrongAccount,
    ReauthenticationLocked,
    ReauthenticationRefused,
    SessionAlreadyEnded,
)
from safepassage.accounts.models import (
    Authenticator,
    Invitation,
    Membership,
    RecoveryCodes,
    User,
    new_session_epoch,
)
from safepassage.accounts.reauthentication import mark_recently_authenticated
from safepassage.accounts.selectors import list_own_sessions
from safepassage.accounts.tasks import send_invitation_email
from safepassage.accounts.two_factor_reset_actions import (
    ENROLMENT_SESSION_KEY,
    mark_reset_enrolled,
    may_enrol_authenticator,
)
from safepassage.accounts.two_factor_secrets import new_seed, recovery_code_digest, seal_seed
from safepassage.audit.actions import SYSTEM_ACTOR, Outcome, record_audit_event
from safepassage.cases.key_actions import do_enrol_staff_keys
from safepassage.core.crypto import KeyPair
from safepassage.organisations.models import Organisation

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"


def _actor(user: User | None) -> str:
    return str(user.public_id) if user is not None else "anonymous"


def do_record_login_step(*, user: User, step: str, outcome: Outcome) -> None:
    """Audit a sign-in step (password or second factor) for ``user``."""
    record_audit_event(
        actor_ref=_actor(user),
        action=f"login.{step}",
        object_type="user",
        object_ref=str(user.public_id),
        outcome=outcome,
    )


def do_record_failed_password(*, email: str, outcome: Outcome = Outcome.FAILURE) -> None:
    """Audit a failed password attempt: the account's id when it exists, never the
    address typed. ``Outcome.DENIED`` for an attempt refused unchecked because the
    account or the source is locked (SR-21: every failure audited)."""
    user = User.objects.filter(email__iexact=email).only("public_id").first()
    record_audit_event(
        actor_ref="anonymous",
        action="login.password",
        object_type="user",
        object_ref=str(user.public_id) if user is not None else "unknown",
        outcome=outcome,
    )


def new_authenticator(*, user: User, name: str, confirmed: bool) -> Authenticator:
    """Create an authenticator with a fresh seed, stored sealed (decision 0050). A building
    block of :func:`do_start_totp_enrolment`, the demo and the test factories."""
    sealed = seal_seed(user_ref=str(user.public_id), seed=new_seed())
    return Authenticator.objects.create(user=user, name=name, confirmed=confirmed, key=sealed)


def do_start_totp_enrolment(*, user: User) -> Authenticator:
    """Return the user's unconfirmed authenticator, creating one if needed."""
    device = Authenticator.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = new_authenticator(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@dataclass(frozen=True)
class EnrolmentResult:
    device: Authenticator
    recovery_codes: list[str]


def check_confirm_totp_enrolment(*, user: User, device: Authenticator, token: str) -> bool:
    """Verify the first code from a new authenticator (counts against throttling)."""
    return bool(device.user_id == user.pk and not device.confirmed and device.verify_token(token))


def do_confirm_totp_enrolment(
    *, request: HttpRequest, user: User, device: Authenticator
) -> EnrolmentResult:
    """Confirm the authenticator, issue fresh recovery codes, complete the sign-in.

    After a two-factor reset only a session that entered the enrolment code may do this
    (:class:`EnrolmentCodeInvalid` otherwise).
    """
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if not may_enrol_authenticator(request=request, user=user):
            raise EnrolmentCodeInvalid
        mark_reset_enrolled(user=user)
        Authenticator.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _replace_recovery_codes(user=user)
        user.session_epoch = new_session_epoch()
        user.save(update_fields=["session_epoch"])
        record_audit_event(
            actor_ref=_actor(user),
            action="two_factor.enrolled",
            object_type="user",
            object_ref=str(user.public_id),
        )
    request.session.pop(ENROLMENT_SESSION_KEY, None)
    otp_login(request, device)
    request.session.cycle_key()
    update_session_auth_hash(request, user)
    mark_recently_authenticated(request)
    return EnrolmentResult(device=device, recovery_codes=codes)


def _replace_recovery_codes(*, user: User) -> list[str]:
    RecoveryCodes.objects.filter(user=user).delete()
    device = RecoveryCodes.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    # 12 hex digits (48 bits) in groups of four, shown once; only a keyed digest of each is
    # stored, 16 characters in django-otp's token column (decision 0050).
    codes = ["-".join(secrets.token_hex(2) for _ in range(3)) for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=recovery_code_digest(code)) for code in codes
    )
    return codes


def do_regenerate_recovery_codes(*, user: User) -> list[str]:
    """Replace every recovery code with a new set (old ones stop working).

    A two-factor change: every session of the user ends (a new session epoch, SR-22); the
    caller keeps its own with ``update_session_auth_hash`` and re-seals its key.
    """
    with transaction.atomic():
        codes = _replace_recovery_codes(user=user)
        user.session_epoch = new_session_epoch()
        user.save(update_fields=["session_epoch"])
        record_audit_event(
            actor_ref=_actor(user),
            action="two_factor.recovery_codes_replaced",
            object_type="user",
            object_ref=str(user.public_id),
        )
    return codes


def check_second_factor(*, user: User, token: str) -> Authenticator | RecoveryCodes | None:
    """Return the device that accepts ``token`` (authenticator code or recovery code)."""
    token = token.strip().replace(" ", "")
    totp = Authenticator.objects.filter(user=user, confirmed=True).first()
    if totp is not None and token.isdigit() and totp.verify_token(token):
        return totp
    recovery = RecoveryCodes.objects.filter(user=user, confirmed=True).first()
    if recovery is not None and recovery.verify_token(token.lower()):
        return recovery
    return None


def do_complete_second_factor(
    *, request: HttpRequest, user: User, device: Authenticator | RecoveryCodes
) -> None:
    """Mark the session verified with ``device`` and rotate the session key."""
    otp_login(request, device)
    request.session.cycle_key()
    mark_recently_authenticated(request)
    method = "recovery_code" if isinstance(device, RecoveryCodes) else "totp"
    with transaction.atomic():
        do_record_login_step(user=user, step=method, outcome=Outcome.SUCCESS)


def check_reauthentication(
    *, request: HttpRequest, user: User, password: str, code: str
) -> Authenticator:
    """Check the signed-in ``user``'s password and authenticator code again (SR-23).

    Throttled like the sign-in: the password goes through ``authenticate`` (django-axes
    counts failures and locks the account and address), the code through the device's
    growing delays. Recovery codes are not accepted: each works once, and they are for a
    lost phone at sign-in. Raises :class:`ReauthenticationLocked` once axes locks,
    :class:`ReauthenticationRefused` for any other mismatch (which step failed is audited,
    not shown).
    """
    authenticated = authenticate(request, username=user.email, password=password)
    if getattr(request, "axes_locked_out", False):
        raise ReauthenticationLocked
    if authenticated is None or authenticated.pk != user.pk:
        do_record_login_step(user=user, step="reauthentication.password", outcome=Outcome.FAILURE)
        raise ReauthenticationRefused
    token = code.strip().replace(" ", "")
    device = Authenticator.objects.filter(user=user, confirmed=True).first()
    if device is None or not token.isdigit() or not device.verify_token(token):
        do_record_login_step(user=user, step="reauthentication.code", outcome=Outcome.FAILURE)
        raise ReauthenticationRefused
    return device


def do_reauthenticate(*, request: HttpRequest, user: User) -> None:
    """Record in the session that ``user`` authenticated fully just now, and audit it."""
    with transaction.atomic():
        do_record_login_step(user=user, step="reauthentication", outcome=Outcome.SUCCESS)
    mark_recently_authenticated(request)


def do_log_out_everywhere(*, user: User) -> None:
    """Invalidate every session of ``user`` (the session hash includes the epoch)."""
    with transaction.atomic():
        user.session_epoch = new_session_epoch()
        user.save(update_fields=["session_epoch"])
        record_audit_event(
            actor_ref=_actor(user),
            action="sessions.revoked_all",
            object_type="user",
            object_ref=str(user.public_id),
        )


def do_end_own_session(*, user: User, handle: str, current_key: str | None) -> None:
    """End one of ``user``'s other sessions, named by its handle (SR-22). Raises
    :class:`SessionAlreadyEnded` for an unknown handle, someone else's, or this one."""
    with transaction.atomic():
        chosen = next(
            (
                row
                for row in list_own_sessions(user=user, current_key=current_key)
                if row.handle == handle and not row.current
            ),
            None,
        )
        if chosen is None:
            raise SessionAlreadyEnded
        Session.objects.filter(session_key=chosen.key).delete()
        record_audit_event(
            actor_ref=_actor(user),
            action="sessions.revoked_one",
            object_type="user",
            object_ref=str(user.public_id),
        )


def check_invite_member(*, organisation: Organisation, email: str) -> None:
    """Refuse to invite someone who is already a member."""
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise AlreadyMember


def do_invite_member(
    *, inviter: User, organisation: Organisation, email: str, role: str
) -> Invitation:
    """Create an invitation and e-mail its link once the transaction commits.

    An open invitation of the same organisation to the same address stops working (audited
    as ``invitation.superseded``): inviting again is how an admin corrects a wrong role, and
    the earlier link must not still grant it.
    """
    with transaction.atomic():
        now = timezone.now()
        earlier = Invitation.objects.select_for_update().filter(
            organisation=organisation,
            email__iexact=email,
            accepted_at__isnull=True,
            expires_at__gt=now,
        )
        for superseded in earlier:
            superseded.expires_at = now
            superseded.email = ""  # a used-up invitation keeps no address (SR-01)
            superseded.save(update_fields=["expires_at", "email"])
            record_audit_event(
                actor_ref=_actor(inviter),
                action="invitation.superseded",
                object_type="invitation",
                object_ref=str(superseded.public_id),
                organisation_ref=str(organisation.public_id),
            )
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email.lower(),
            role=role,
            invited_by=inviter,
            expires_at=now + timedelta(seconds=settings.INVITATION_MAX_AGE_SECONDS),
        )
        record_audit_event(
            actor_ref=_actor(inviter),
            action="invitation.created",
            object_type="invitation",
            object_ref=str(invitation.public_id),
            organisation_ref=str(organisation.public_id),
        )
        language = get_language() or settings.LANGUAGE_CODE
        transaction.on_commit(
            lambda: send_invitation_email.enqueue(
                invitation_id=str(invitation.public_id), language=language
            )
        )
    return invitation


def check_revoke_invitation(*, invitation: Invitation) -> None:
    """Only an invitation still open (not accepted, not expired) can be revoked."""
    if invitation.accepted_at is not None or invitation.expires_at <= timezone.now():
        raise InvitationInvalid


def do_revoke_invitation(*, actor: User, invitation: Invitation) -> None:
    """End an open invitation at once: its link stops working (audited)."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        check_revoke_invitation(invitation=locked)
        locked.expires_at = timezone.now()
        locked.email = ""  # a used-up invitation keeps no address (SR-01)
        locked.save(update_fields=["expires_at", "email"])
        record_audit_event(
            actor_ref=_actor(actor),
            action="invitation.revoked",
            object_type="invitation",
            object_ref=str(locked.public_id),
            organisation_ref=str(locked.organisation.public_id),
        )


def do_forget_expired_invitation_addresses() -> int:
    """Blank the address of every invitation that expired unused: nobody can accept it any
    more, so nothing needs the address (SR-01). Audited per invitation; idempotent; returns
    how many were blanked."""
    with transaction.atomic():
        expired = list(
            Invitation.objects.select_for_update()
            .select_related("organisation")
            .filter(accepted_at__isnull=True, expires_at__lte=timezone.now())
            .exclude(email="")
            .order_by("pk")
        )
        Invitation.objects.filter(pk__in=[invitation.pk for invitation in expired]).update(email="")
        for invitation in expired:
            record_audit_event(
                actor_ref=SYSTEM_ACTOR,
                action="invitation.address_forgotten",
                object_type="invitation",
                object_ref=str(invitation.public_id),
                organisation_ref=str(invitation.organisation.public_id),
            )
    return len(expired)


def get_open_invitation(*, invitation_id: uuid.UUID) -> Invitation:
    """The unexpired, unused invitation with this id, else :class:`InvitationInvalid`."""
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(public_id=invitation_id, accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if invitation is None:
        raise InvitationInvalid
    return invitation


def check_accept_invitation_as_new_user(*, invitation: Invitation) -> None:
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationForExistingAccount


@dataclass(frozen=True)
class NewAccount:
    """A new account with its unlocked key pair and personal recovery key (show it once)."""

    user: User
    key_pair: KeyPair = field(repr=False)
    personal_recovery_key: str = field(repr=False)


def do_accept_invitation_as_new_user(
    *, invitation: Invitation, display_name: str, password: str
) -> NewAccount:
    """Create the account, its membership and its key pair; the invitation is used up."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None:
            raise InvitationInvalid
        user = User.objects.create_user(
            email=locked.email, password=password, display_name=display_name
        )
        _join(invitation=locked, user=user)
        key_pair, personal_recovery_key = do_enrol_staff_keys(user=user, password=password)
    return NewAccount(user=user, key_pair=key_pair, personal_recovery_key=personal_recovery_key)


def do_accept_invitation_as_member(*, invitation: Invitation, user: User) -> None:
    """Add an existing, signed-in user to the inviting organisation."""
    if user.email.lower() != invitation.email.lower():
        raise InvitationWrongAccount
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None:
            raise InvitationInvalid
        if Membership.objects.filter(user=user, organisation=locked.organisation).exists():
            raise AlreadyMember
        _join(invitation=locked, user=user)


def _join(*, invitation: Invitation, user: User) -> None:
    Membership.objects.create(user=user, organisation=invitation.organisation, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    # The address lives on as the user's own; a used-up invitation keeps none (SR-01).
    invitation.email = ""
    invitation.save(update_fields=["accepted_at", "accepted_by", "email"])
    record_audit_event(
        actor_ref=_actor(user),
        action="invitation.accepted",
        object_type="invitation",
        object_ref=str(invitation.public_id),
        organisation_ref=str(invitation.organisation.public_id),
    )

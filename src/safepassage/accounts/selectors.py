"""Reads of the accounts app."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.auth import SESSION_KEY as USER_ID_SESSION_KEY
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_totp.models import TOTPDevice

from safepassage.accounts.middleware import SIGNED_IN_AT
from safepassage.accounts.models import (
    Invitation,
    Membership,
    SecurityKey,
    TwoFactorReset,
    User,
)
from safepassage.organisations.models import Organisation
from safepassage.site.sessions import stored_key


def current_user(request: HttpRequest) -> User:
    """The signed-in user of a request the access policy already let through."""
    user = request.user
    if not isinstance(user, User):
        raise TypeError("current_user() needs a signed-in request")
    return user


def has_confirmed_authenticator(*, user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def is_two_factor_verified(request: HttpRequest) -> bool:
    """True when the request's user passed both the password and the second factor."""
    user = request.user
    verified = getattr(user, "is_verified", None)  # set by django-otp's OTPMiddleware
    return bool(user.is_authenticated and callable(verified) and verified())


def list_memberships(*, user: User) -> QuerySet[Membership]:
    """The user's memberships with their organisations, by organisation name."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def list_members(*, organisation: Organisation) -> list[Membership]:
    """The organisation's memberships by role, then by name: names are sealed (decision
    0052), so they are sorted here, not by the database."""
    memberships = Membership.objects.filter(organisation=organisation).select_related("user")
    return sorted(
        memberships,
        key=lambda membership: (membership.role, membership.user.display_name.casefold()),
    )


@dataclass(frozen=True, kw_only=True)
class PendingTwoFactorReset:
    """A colleague's two-factor reset not yet followed by a new authenticator (decision
    0025), as an organisation's admins see it: names and roles, never an address."""

    member: User
    member_role: str
    issued_at: datetime
    issued_by: User | None
    """None when the operator reset it (``safepassage reset-two-factor``)."""
    issued_by_role: str
    """The issuer's role in this organisation, or "" when they have none here."""
    expires_at: datetime
    code_used: bool
    code_works: bool
    """The code (or the session that accepted it) may still enrol: it can be cancelled."""


def list_open_invitations(*, organisation: Organisation) -> QuerySet[Invitation]:
    """Invitations of ``organisation`` not yet accepted and not expired, oldest first."""
    return Invitation.objects.filter(
        organisation=organisation, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("created_at", "pk")


def list_pending_two_factor_resets(*, organisation: Organisation) -> list[PendingTwoFactorReset]:
    """Resets of the organisation's members still waiting for a new authenticator, newest
    first: whose code is waiting, used but not yet followed by enrolment, or expired."""
    resets = list(
        TwoFactorReset.objects.filter(
            enrolled_at__isnull=True, user__memberships__organisation=organisation
        )
        .select_related("user", "reset_by")
        .distinct()
        .order_by("-created_at", "pk")
    )
    user_ids = {reset.user_id for reset in resets} | {
        reset.reset_by_id for reset in resets if reset.reset_by_id is not None
    }
    roles = {
        membership.user_id: str(membership.get_role_display())
        for membership in Membership.objects.filter(organisation=organisation, user_id__in=user_ids)
    }
    now = timezone.now()
    return [
        PendingTwoFactorReset(
            member=reset.user,
            member_role=roles.get(reset.user_id, ""),
            issued_at=reset.created_at,
            issued_by=reset.reset_by,
            issued_by_role=roles.get(reset.reset_by_id, "") if reset.reset_by_id else "",
            expires_at=reset.expires_at,
            code_used=reset.code_used_at is not None,
            code_works=reset.expires_at > now,
        )
        for reset in resets
    ]


def list_security_keys(*, user: User) -> QuerySet[SecurityKey]:
    """The user's security keys, oldest first (decision 0035)."""
    return SecurityKey.objects.filter(user=user, confirmed=True).order_by("created_on", "pk")


@dataclass(frozen=True)
class OwnSession:
    """One of the signed-in user's sessions (SR-22), as their security page lists it."""

    handle: str  # names the session in a form without revealing its key
    signed_in_at: datetime | None
    last_request_at: datetime
    current: bool
    key: str = field(repr=False)  # as stored: the digest of the session key (site.sessions)


def session_handle(*, session_key: str) -> str:
    """A stable, unguessable name for a session: an HMAC, under SECRET_KEY, of the digest
    of its key that the session table holds (``site.sessions.stored_key``)."""
    return salted_hmac(
        "safepassage.accounts.session_handle", session_key, algorithm="sha256"
    ).hexdigest()[:32]


def list_own_sessions(*, user: User, current_key: str | None) -> list[OwnSession]:
    """The user's live sessions (those their current password and session epoch still
    open), newest first. Reads every unexpired session: there are only as many as people
    signed in within the idle timeout."""
    expected_hash = user.get_session_auth_hash()
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    current_stored_key = stored_key(current_key) if current_key else None
    found = []
    for stored in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = stored.get_decoded()
        if str(data.get(USER_ID_SESSION_KEY)) != str(user.pk):
            continue
        if data.get(HASH_SESSION_KEY) != expected_hash:
            continue
        signed_in = data.get(SIGNED_IN_AT)
        found.append(
            OwnSession(
                handle=session_handle(session_key=stored.session_key),
                signed_in_at=(
                    datetime.fromtimestamp(signed_in, tz=timezone.get_current_timezone())
                    if isinstance(signed_in, int | float)
                    else None
                ),
                last_request_at=stored.expire_date - idle,
                current=stored.session_key == current_stored_key,
                key=stored.session_key,
            )
        )
    return sorted(found, key=lambda row: (not row.current, -row.last_request_at.timestamp()))

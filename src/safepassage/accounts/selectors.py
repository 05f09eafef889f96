"""Reads of the accounts app."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from safepassage.accounts.models import Membership, User
from safepassage.organisations.models import Organisation


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


def list_members(*, organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("role", "user__display_name")
    )

"""Who may call which view: every view declares a rule, enforced in one place.

Deny by default (SR-25): :class:`safepassage.site.middleware.AccessPolicyMiddleware`
refuses any view that carries no rule, and the permission-matrix test fails for any
URL pattern without an entry. Views only *declare* their rule with one of the
decorators below; the middleware enforces it before the view runs.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

ViewFunction = TypeVar("ViewFunction", bound=Callable[..., Any])

ATTRIBUTE = "safepassage_access_rule"
RECENT_AUTHENTICATION_ATTRIBUTE = "safepassage_recent_authentication_required"


class Audience(StrEnum):
    """Who a rule lets in, from the widest to the narrowest."""

    PUBLIC = "public"
    """Anyone, signed in or not (public pages, login, invitation links)."""
    PASSWORD_VERIFIED = "password_verified"  # noqa: S105  # an audience name, not a secret
    """Signed in with a password, second factor still to come (2FA enrolment and check)."""
    STAFF = "staff"
    """Signed in with password and second factor; any role in any organisation."""
    PERMISSION = "permission"
    """Staff holding a named permission through a role in at least one organisation."""


@dataclass(frozen=True, slots=True)
class AccessRule:
    """The declared access rule of one view."""

    audience: Audience
    permission: str | None = None


def _declare(rule: AccessRule) -> Callable[[ViewFunction], ViewFunction]:
    def decorate(view: ViewFunction) -> ViewFunction:
        setattr(view, ATTRIBUTE, rule)
        return view

    return decorate


def public[ViewFunction: Callable[..., Any]](view: ViewFunction) -> ViewFunction:
    """Declare a view open to everyone."""
    return _declare(AccessRule(Audience.PUBLIC))(view)


def password_verified[ViewFunction: Callable[..., Any]](view: ViewFunction) -> ViewFunction:
    """Declare a view of the second login step (needs the password, not yet the code)."""
    return _declare(AccessRule(Audience.PASSWORD_VERIFIED))(view)


def staff[ViewFunction: Callable[..., Any]](view: ViewFunction) -> ViewFunction:
    """Declare a view for any fully signed-in staff member."""
    return _declare(AccessRule(Audience.STAFF))(view)


def requires_permission(permission: str) -> Callable[[ViewFunction], ViewFunction]:
    """Declare a view for staff whose role grants ``permission`` ("app_label.codename").

    The view itself still fetches its objects through an ``access_*`` function that
    checks the permission for the organisation that owns them.
    """
    return _declare(AccessRule(Audience.PERMISSION, permission))


def recent_authentication_required[ViewFunction: Callable[..., Any]](
    view: ViewFunction,
) -> ViewFunction:
    """Also require a full authentication (password and code) in the last 5 minutes (SR-23).

    For exports, referrals, role, membership and invitation changes, key changes and
    shredding. Stack it with one of the rules above, e.g.::

        @requires_permission("donations.view_gift")
        @recent_authentication_required
        @require_http_methods(["GET"])
        def gift_export_view(request, organisation_id): ...

    The middleware checks the rule first (so the wrong role is still refused), then sends
    a session without a recent authentication to ``accounts:reauthenticate``, which
    returns to this URL with a GET afterwards. Decorate the page that shows the form as
    well as the one it posts to, so the user confirms before filling it in; a stale POST
    does nothing and comes back to the form.
    """
    setattr(view, RECENT_AUTHENTICATION_ATTRIBUTE, True)
    return view


def needs_recent_authentication(view: Callable[..., Any]) -> bool:
    """True for a view marked :func:`recent_authentication_required`."""
    return any(
        getattr(candidate, RECENT_AUTHENTICATION_ATTRIBUTE, False) is True
        for candidate in (
            view,
            getattr(view, "view_class", None),
            getattr(view, "__wrapped__", None),
        )
    )


def rule_of(view: Callable[..., Any]) -> AccessRule | None:
    """Return the rule a view declared, or None for an undeclared view."""
    for candidate in (view, getattr(view, "view_class", None), getattr(view, "__wrapped__", None)):
        rule = getattr(candidate, ATTRIBUTE, None)
        if isinstance(rule, AccessRule):
            return rule
    return None

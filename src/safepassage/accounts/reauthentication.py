"""When the signed-in user last proved who they are (SR-23).

Exports, invitations (which grant a role) and key changes need an authentication
within the last :data:`MAX_AGE`: either the sign-in itself or the re-authentication page
(``accounts:reauthenticate``: password and authenticator code again). Views ask for it
with :func:`safepassage.site.access_policy.recent_authentication_required`; the access
policy middleware sends a stale session to that page and back.
"""

import datetime

from django.http import HttpRequest
from django.utils import timezone

MAX_AGE = datetime.timedelta(minutes=5)
SESSION_KEY = "safepassage_authenticated_at"


def mark_recently_authenticated(request: HttpRequest) -> None:
    """Record that the user proved password and second factor just now."""
    request.session[SESSION_KEY] = timezone.now().timestamp()


def is_recently_authenticated(request: HttpRequest) -> bool:
    """True when the session's last full authentication is at most :data:`MAX_AGE` old."""
    authenticated_at = request.session.get(SESSION_KEY)
    if not isinstance(authenticated_at, int | float):
        return False
    age = timezone.now().timestamp() - authenticated_at
    return 0 <= age <= MAX_AGE.total_seconds()


def forget_recent_authentication(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)

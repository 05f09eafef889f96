"""Absolute session lifetime (SR-22); the idle timeout is the session cookie age."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

SIGNED_IN_AT = "safepassage_signed_in_at"


class SessionLifetimeMiddleware:
    """End a session that has lasted longer than SESSION_ABSOLUTE_SECONDS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            if (
                not isinstance(signed_in_at, int | float)
                or time.time() - signed_in_at > settings.SESSION_ABSOLUTE_SECONDS
            ):
                logout(request)
        return self.get_response(request)


def mark_signed_in(request: HttpRequest) -> None:
    """Record when the password step succeeded."""
    request.session[SIGNED_IN_AT] = time.time()

"""Security headers and the deny-by-default access policy."""

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from safepassage.accounts.reauthentication import is_recently_authenticated
from safepassage.accounts.selectors import is_two_factor_verified
from safepassage.site.access_policy import Audience, needs_recent_authentication, rule_of

logger = logging.getLogger(__name__)


class SecurityHeadersMiddleware:
    """Headers Django does not set by itself (SR-34): CORP, Permissions-Policy,
    no-store and noindex on every dynamic page, Onion-Location when configured."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if not request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            response.headers["Cache-Control"] = "no-store"
            response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
        if settings.ONION_LOCATION:
            response.headers.setdefault(
                "Onion-Location", settings.ONION_LOCATION.rstrip("/") + request.path
            )
        return response


class AccessPolicyMiddleware:
    """Enforce each view's declared :class:`AccessRule`; refuse undeclared views."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        rule = rule_of(view_func)
        if rule is None:
            logger.error("view without an access rule refused: %s", view_func.__qualname__)
            raise PermissionDenied
        if rule.audience is Audience.PUBLIC:
            return None
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if rule.audience is Audience.PASSWORD_VERIFIED:
            return None
        if not is_two_factor_verified(request):
            return redirect("accounts:two_factor")
        if rule.audience is Audience.PERMISSION and not (
            rule.permission is not None and user.has_perm(rule.permission)
        ):
            raise PermissionDenied
        if needs_recent_authentication(view_func) and not is_recently_authenticated(request):
            # Back here with a GET afterwards: a GET (or HEAD) keeps its query (an export's
            # filters), a stale POST did nothing and returns to its form.
            back = request.get_full_path() if request.method in ("GET", "HEAD") else request.path
            query = urlencode({"next": back})
            return redirect(f"{reverse('accounts:reauthenticate')}?{query}")
        return None

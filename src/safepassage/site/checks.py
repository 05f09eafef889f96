"""System checks that stand in for Django's own where we replaced its parts."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

CSRF_MIDDLEWARE = "safepassage.site.csrf.NoReferrerCsrfViewMiddleware"


@register(Tags.security, deploy=True)
def check_csrf_middleware(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Django's security.W003 is silenced because our subclass replaces its CSRF
    middleware; this check makes sure the subclass itself is installed."""
    if CSRF_MIDDLEWARE in settings.MIDDLEWARE:
        return []
    return [
        Error(
            f"{CSRF_MIDDLEWARE} is not in MIDDLEWARE: form posts have no CSRF protection.",
            id="safepassage.E001",
        )
    ]

"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    """Expose the languages switcher and the mode banner."""
    return {"site_languages": settings.LANGUAGES, "site_development": not settings.PRODUCTION}

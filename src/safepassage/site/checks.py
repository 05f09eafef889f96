"""System checks that stand in for Django's own where we replaced its parts."""

import os
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Info, Tags, Warning, register

from safepassage.core.crypto import CodenameError, CodenamePeppers

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


# Secrets that, when unset, fall back to SECRET_KEY (or, for the peppers, refuse intake in
# production): (variable(s), check id, what happens). Info rather than Warning: the guide's
# deployment check fails on warnings, and an installation may deliberately run without intake.
DERIVED_SECRETS = (
    (
        ("SAFEPASSAGE_DONOR_KEY",),
        "safepassage.I001",
        "donor names and addresses are sealed under a key derived from SECRET_KEY, so "
        "changing SECRET_KEY makes them unreadable. Set SAFEPASSAGE_DONOR_KEY (to the current "
        "SECRET_KEY's value on an installation that already holds donors).",
    ),
    (
        ("SAFEPASSAGE_PATHWAY_KEY",),
        "safepassage.I002",
        "country pathway contacts and notes are sealed under a key derived from SECRET_KEY, so "
        "changing SECRET_KEY makes them unreadable. Set SAFEPASSAGE_PATHWAY_KEY (to the "
        "current SECRET_KEY's value on an installation that already holds pathways).",
    ),
    (
        ("SAFEPASSAGE_TWO_FACTOR_KEY",),
        "safepassage.I004",
        "authenticator seeds, recovery codes and security-key names are sealed under a key "
        "derived from SECRET_KEY, so changing SECRET_KEY stops every authenticator code and "
        "recovery code. Set SAFEPASSAGE_TWO_FACTOR_KEY (to the current SECRET_KEY's value on "
        "an installation that already has staff).",
    ),
    (
        ("SAFEPASSAGE_CODENAME_LOOKUP_PEPPER", "SAFEPASSAGE_CODENAME_KEY_PEPPER"),
        "safepassage.I003",
        "the codename peppers are not set: applicant intake and codename sign-in are refused "
        "in production.",
    ),
)


PEPPERS = ("SAFEPASSAGE_CODENAME_LOOKUP_PEPPER", "SAFEPASSAGE_CODENAME_KEY_PEPPER")


@register(Tags.security, deploy=True)
def check_secrets_outside_secret_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Name the secrets still derived from SECRET_KEY, before anyone rotates it; silent
    only when every one is set (and, below, usable)."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    messages: list[CheckMessage] = []
    for names, check_id, consequence in DERIVED_SECRETS:
        missing = [name for name in names if not os.environ.get(name)]
        if missing:
            messages.append(Info(f"{' and '.join(missing)} not set: {consequence}", id=check_id))
    return messages


@register(Tags.security, deploy=True)
def check_secrets_are_usable(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Codename peppers that are set but malformed pass the check above yet are refused at
    the first intake: a warning, so the deployment checklist fails until they are fixed."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    messages: list[CheckMessage] = []
    lookup, key = (os.environ.get(name) for name in PEPPERS)
    if lookup and key:
        try:
            CodenamePeppers(lookup=bytes.fromhex(lookup), key=bytes.fromhex(key))
        except (ValueError, CodenameError):
            messages.append(
                Warning(
                    f"{' and '.join(PEPPERS)} must be two different 64-character hex values "
                    "(32 bytes each): applicant intake and codename sign-in are refused until "
                    "they are.",
                    id="safepassage.W001",
                )
            )
    return messages

"""In production every cookie the staff side sets is Secure, HttpOnly, SameSite=Strict and,
where it carries a secret, ``__Host-`` prefixed (SR-22); DEBUG is off."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

SAFEPASSAGE = str(Path(sys.executable).with_name("safepassage"))

READ_SETTINGS = """
import json
from django.conf import settings
from safepassage.accounts.key_session import cookie_name
from safepassage.intake.applicant_session import cookie_name as applicant_cookie_name
names = [
    "DEBUG", "SESSION_COOKIE_NAME", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE", "SESSION_EXPIRE_AT_BROWSER_CLOSE", "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_SECURE", "LANGUAGE_COOKIE_HTTPONLY", "LANGUAGE_COOKIE_SAMESITE",
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
]
values = {name: getattr(settings, name) for name in names}
values["key_cookie"] = cookie_name()
values["applicant_cookie"] = applicant_cookie_name()
print(json.dumps(values))
"""


def _production_settings() -> dict[str, object]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "SAFEPASSAGE_MODE", "ALLOWED_HOSTS", "DEBUG"}
    }
    environment.update(
        SAFEPASSAGE_MODE="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="example.org",
        SAFEPASSAGE_CODENAME_LOOKUP_PEPPER=secrets.token_hex(32),
        SAFEPASSAGE_CODENAME_KEY_PEPPER=secrets.token_hex(32),
        DEBUG="true",  # asked for, and still refused in production
    )
    result = subprocess.run(
        [SAFEPASSAGE, "shell", "-c", READ_SETTINGS],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    values: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return values


def test_production_cookies_are_secure_host_only_http_only_and_strict() -> None:
    # given the production settings (even with DEBUG=true in the environment)
    values = _production_settings()
    # then DEBUG is off and HTTPS is forced
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 63072000
    # and the session, CSRF, key and applicant cookies are __Host- cookies
    assert values["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert values["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert values["key_cookie"] == "__Host-sp-key"
    assert str(values["applicant_cookie"]).startswith("__Host-")
    # and every cookie is Secure, HttpOnly and SameSite=Strict
    for prefix in ("SESSION", "CSRF", "LANGUAGE"):
        assert values[f"{prefix}_COOKIE_SECURE"] is True, prefix
        assert values[f"{prefix}_COOKIE_HTTPONLY"] is True, prefix
        assert values[f"{prefix}_COOKIE_SAMESITE"] == "Strict", prefix
    assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True

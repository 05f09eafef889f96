"""SR-34, HSTS on clearnet: under production settings an HTTPS answer carries
``Strict-Transport-Security`` (two years, subdomains, preload) and plain HTTP is redirected
to HTTPS (the values themselves: ``tests/config/test_production_cookies.py``)."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

PROBE = """
import json
import django
django.setup()
from django.test import Client
secure = Client().get("/no-such-page/", secure=True, headers={"host": "example.org"})
plain = Client().get("/no-such-page/", headers={"host": "example.org"})
print(json.dumps({
    "hsts": secure.headers.get("Strict-Transport-Security"),
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
    "plain_hsts": plain.headers.get("Strict-Transport-Security"),
}))
"""


def test_https_answers_carry_hsts_and_http_is_sent_to_https(tmp_path: Path) -> None:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SAFEPASSAGE_", "DJANGO_"))
        and key not in ("DATABASE_URL", "SECRET_KEY")
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "safepassage.config.settings",
        "SAFEPASSAGE_MODE": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "example.org",
        "SAFEPASSAGE_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
    }

    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers["hsts"] == "max-age=63072000; includeSubDomains; preload"
    assert answers["plain_status"] == 301
    assert answers["plain_location"] == "https://example.org/no-such-page/"
    assert answers["plain_hsts"] is None

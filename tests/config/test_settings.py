"""Production mode refuses unsafe configuration; development defaults are safe."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

SAFEPASSAGE = str(Path(sys.executable).with_name("safepassage"))


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "SAFEPASSAGE_MODE", "ALLOWED_HOSTS", "DEBUG"}
    }
    environment.update(env)
    return subprocess.run(
        [SAFEPASSAGE, *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "secret_key",
    ["", "development-only-secret-key-never-use-in-production-0123456789abcdef", "short"],
)
def test_production_refuses_a_missing_default_or_weak_secret_key(secret_key: str) -> None:
    result = _run(
        "check", SAFEPASSAGE_MODE="production", SECRET_KEY=secret_key, ALLOWED_HOSTS="example.org"
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


SEPARATE_SECRETS = {
    "SAFEPASSAGE_DONOR_KEY": secrets.token_urlsafe(32),
    "SAFEPASSAGE_PATHWAY_KEY": secrets.token_urlsafe(32),
    "SAFEPASSAGE_TWO_FACTOR_KEY": secrets.token_urlsafe(32),
    "SAFEPASSAGE_CODENAME_LOOKUP_PEPPER": secrets.token_hex(32),
    "SAFEPASSAGE_CODENAME_KEY_PEPPER": secrets.token_hex(32),
}


def test_production_settings_pass_the_deployment_checklist() -> None:
    result = _run(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SAFEPASSAGE_MODE="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="example.org",
        **SEPARATE_SECRETS,
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_check_names_the_secrets_still_derived_from_the_secret_key() -> None:
    # Given production settings without the donor and pathway keys and the codename peppers
    result = _run(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SAFEPASSAGE_MODE="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="example.org",
        **dict.fromkeys(SEPARATE_SECRETS, ""),
    )

    # Then the check passes but tells the operator what rotating SECRET_KEY would cost
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "safepassage.I001" in output
    assert "SAFEPASSAGE_DONOR_KEY" in output
    assert "safepassage.I002" in output
    assert "safepassage.I003" in output


def test_secret_key_fallbacks_come_from_the_environment() -> None:
    # Given the old key kept as a fallback while SECRET_KEY is rotated
    old = secrets.token_urlsafe(64)
    result = _run(
        "shell",
        "-c",
        "from django.conf import settings; print(len(settings.SECRET_KEY_FALLBACKS), "
        f"settings.SECRET_KEY_FALLBACKS[0] == {old!r})",
        SECRET_KEY_FALLBACKS=old,
    )

    # Then Django accepts what the old key signed
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "1 True"


def test_an_unknown_mode_is_refused() -> None:
    result = _run("check", SAFEPASSAGE_MODE="staging")

    assert result.returncode != 0
    assert "SAFEPASSAGE_MODE must be" in result.stderr

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


def test_production_settings_pass_the_deployment_checklist() -> None:
    result = _run(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SAFEPASSAGE_MODE="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="example.org",
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_an_unknown_mode_is_refused() -> None:
    result = _run("check", SAFEPASSAGE_MODE="staging")

    assert result.returncode != 0
    assert "SAFEPASSAGE_MODE must be" in result.stderr

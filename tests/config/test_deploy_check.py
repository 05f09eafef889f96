"""What ``check --deploy`` tells an operator about the keys kept outside SECRET_KEY: each
one left unset is named (so CI's clean stage, which sets them all, hides nothing from a
real server), set ones are silent, and codename peppers that are set but unusable fail the
deployment checklist."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

SAFEPASSAGE = str(Path(sys.executable).with_name("safepassage"))
KEYS = {
    "SAFEPASSAGE_DONOR_KEY": ("safepassage.I001", secrets.token_urlsafe(32)),
    "SAFEPASSAGE_PATHWAY_KEY": ("safepassage.I002", secrets.token_urlsafe(32)),
    "SAFEPASSAGE_TWO_FACTOR_KEY": ("safepassage.I004", secrets.token_urlsafe(32)),
    "SAFEPASSAGE_CODENAME_LOOKUP_PEPPER": ("safepassage.I003", secrets.token_hex(32)),
    "SAFEPASSAGE_CODENAME_KEY_PEPPER": ("safepassage.I003", secrets.token_hex(32)),
}


def _check(tmp_path: Path, **keys: str) -> subprocess.CompletedProcess[str]:
    """``check --deploy --fail-level WARNING`` (the guide's command) in production mode."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SAFEPASSAGE_", "DJANGO_"))
        and key not in {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}
    } | {
        "SAFEPASSAGE_MODE": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "example.org",
        "SAFEPASSAGE_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
        **keys,
    }
    return subprocess.run(
        [SAFEPASSAGE, "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("missing", list(KEYS))
def test_each_key_left_unset_is_named_and_only_that_one(tmp_path: Path, missing: str) -> None:
    # Given production settings with every key but one
    keys = {name: value for name, (_check_id, value) in KEYS.items() if name != missing}

    # When the operator runs the deployment check
    result = _check(tmp_path, **keys)

    # Then it passes (an installation may run without intake) but names that key, and only it
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    check_id = KEYS[missing][0]
    assert f"({check_id}) {missing} not set" in output
    assert sorted(
        line.split(")")[0] for line in output.splitlines() if "(safepassage." in line
    ) == [f"?: ({check_id}"]


def test_with_every_key_set_the_check_says_nothing(tmp_path: Path) -> None:
    result = _check(tmp_path, **{name: value for name, (_id, value) in KEYS.items()})

    assert result.returncode == 0, result.stderr
    assert "safepassage." not in result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("lookup", "key"),
    [("not-hex", secrets.token_hex(32)), ("ab" * 32, "ab" * 32), ("ab" * 16, "cd" * 16)],
    ids=["not hex", "the same value twice", "16 bytes"],
)
def test_peppers_set_but_unusable_fail_the_checklist(tmp_path: Path, lookup: str, key: str) -> None:
    # Given peppers that are set (so I003 is silent) but that intake would refuse
    keys = {name: value for name, (_id, value) in KEYS.items()}
    keys |= {"SAFEPASSAGE_CODENAME_LOOKUP_PEPPER": lookup, "SAFEPASSAGE_CODENAME_KEY_PEPPER": key}

    # When the operator runs the deployment check, Then it fails on W001, saying why
    result = _check(tmp_path, **keys)

    assert result.returncode != 0
    assert "safepassage.W001" in result.stderr
    assert "two different 64-character hex values" in result.stderr
    assert "safepassage.I003" not in result.stderr

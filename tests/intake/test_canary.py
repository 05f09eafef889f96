"""Intake canary (issue 4 item 2, SR-05, SR-10, SR-14, SR-16): after a request, a codename
sign-in and messages both ways through the real pages, neither the database (SQLite file
with WAL and shm, or a PostgreSQL ``pg_dump``), the data folder nor any log line holds an
answer, a message, the codename, the applicant's address or user agent, in clear, UTF-16,
escaped or as a plain SHA-256/MD5 digest."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.canary_support import encoded_forms, pg_dump, scratch_postgres_database

SCENARIO = Path(__file__).with_name("canary_scenario.py")
REPOSITORY = Path(__file__).resolve().parents[2]
FIELDS = (
    "name",
    "contact",
    "location",
    "travelling_with",
    "story",
    "applicant_message",
    "staff_reply",
    "user_agent",
)


def _markers() -> dict[str, str]:
    markers = {name: f"Canary{uuid.uuid4().hex}{name}" for name in FIELDS}
    number = uuid.uuid4().int
    markers["address"] = f"198.18.{number % 250 + 1}.{number // 250 % 250 + 1}"
    return markers


def _run(data: Path, secrets: Path, markers: dict[str, str], database_url: str | None) -> str:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    } | {
        "SAFEPASSAGE_DATA_DIR": str(data),
        "SAFEPASSAGE_MODE": "development",
        "SAFEPASSAGE_EMAIL": "file",
        "CANARY_SECRETS_FILE": str(secrets),
        "PYTHONPATH": os.pathsep.join([str(REPOSITORY / "src"), str(REPOSITORY)]),
    }
    if database_url is not None:
        environment["DATABASE_URL"] = database_url
    result = subprocess.run(
        [sys.executable, str(SCENARIO)],
        input="\n".join(f"{name}={value}" for name, value in markers.items()),
        capture_output=True,
        text=True,
        cwd=REPOSITORY,
        env=environment,
        timeout=540,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    assert "CANARY SCENARIO DONE" in result.stdout
    assert "SELECT" in result.stderr  # SQL was logged, so the logs were really searched
    return result.stdout + result.stderr


def _leaks(places: dict[str, bytes], secrets: dict[str, str]) -> list[str]:
    return [
        f"{name} in {where}"
        for where, haystack in places.items()
        for name, secret in secrets.items()
        if any(form in haystack for form in encoded_forms(secret))
    ]


def _folder(data: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(data)): path.read_bytes() for path in data.rglob("*") if path.is_file()
    }


def test_nothing_of_the_applicant_reaches_the_sqlite_files_the_data_folder_or_the_logs(
    tmp_path: Path,
) -> None:
    # Given a marker for every answer, both messages, the address and the user agent
    markers = _markers()
    data, secrets = tmp_path / "data", tmp_path / "codename.txt"
    data.mkdir()
    # When the scenario runs the whole applicant flow on a SQLite file
    logs = _run(data, secrets, markers, database_url=None)
    codename = secrets.read_text(encoding="utf-8")
    # Then the files (database, WAL, shm) and the logs hold none of it, nor the codename
    places = _folder(data) | {"the log output": logs.encode()}
    assert any(name.endswith("-wal") for name in places)
    assert _leaks(places, markers | {"codename": codename}) == []


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_nothing_of_the_applicant_reaches_a_pg_dump_the_data_folder_or_the_logs(
    tmp_path: Path,
) -> None:
    markers = _markers()
    with scratch_postgres_database("canary_intake") as url:
        data, secrets = tmp_path / "data", tmp_path / "codename.txt"
        data.mkdir()
        logs = _run(data, secrets, markers, database_url=url)
        dumped = pg_dump(url=url, dump=tmp_path / "dump.sql")
    assert b"intake_applicant" in dumped  # the dump really holds the intake tables
    places = _folder(data) | {"the log output": logs.encode(), "pg_dump": dumped}
    codename = secrets.read_text(encoding="utf-8")
    assert _leaks(places, markers | {"codename": codename}) == []

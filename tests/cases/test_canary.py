"""Canary: with nobody signed in, the database (SQLite file and WAL, or a PostgreSQL
``pg_dump``), the data folder (documents, mail) and every log line reveal none of the
sensitive values put into cases (issue 4, items 1 and 3; SR-10).

The scenario runs in its own process (``canary_scenario.py``) against a fresh database,
logging at DEBUG with SQL, so what is searched is what a seized server would hold. Each
marker is searched as UTF-8, UTF-16, escaped, and as its SHA-256 and MD5 digests (SR-10:
no plain hashes of sensitive values).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.canary_support import (
    case_canary_markers,
    encoded_forms,
    pg_dump,
    scratch_postgres_database,
)

SCENARIO = Path(__file__).with_name("canary_scenario.py")
REPOSITORY = Path(__file__).resolve().parents[2]


def _run_scenario(
    tmp_path: Path, markers: dict[str, str], database_url: str | None
) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    } | {
        "SAFEPASSAGE_DATA_DIR": str(tmp_path),
        "SAFEPASSAGE_MODE": "development",
        "SAFEPASSAGE_EMAIL": "file",
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
    return result


def _leaks(
    tmp_path: Path, markers: dict[str, str], result: subprocess.CompletedProcess[str]
) -> list[str]:
    files = [path for path in tmp_path.rglob("*") if path.is_file()]
    leaks = [
        f"{name} in {path.relative_to(tmp_path)}"
        for path in files
        for name, marker in markers.items()
        if any(form in path.read_bytes() for form in encoded_forms(marker))
    ]
    logs = (result.stdout + result.stderr).encode()
    leaks += [
        f"{name} in the log output"
        for name, marker in markers.items()
        if any(form in logs for form in encoded_forms(marker))
    ]
    return leaks


def test_no_sensitive_value_reaches_the_sqlite_files_the_data_folder_or_the_logs(
    tmp_path: Path,
) -> None:
    # Given a unique marker for every sensitive field
    markers = case_canary_markers()

    # When the scenario seeds and reads cases through the real pages on a SQLite file
    result = _run_scenario(tmp_path, markers, database_url=None)

    # Then the reader saw every marker, and no file (database, WAL, documents) or log holds one
    files = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert any(path.name.endswith("-wal") for path in files)
    assert any(path.suffix == ".sp" for path in files)  # an encrypted document was stored
    assert _leaks(tmp_path, markers, result) == []


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_no_sensitive_value_reaches_a_pg_dump_the_data_folder_or_the_logs(
    tmp_path: Path,
) -> None:
    # Given a fresh PostgreSQL database on the test server and a marker per sensitive field
    markers = case_canary_markers()
    with scratch_postgres_database("canary") as url:
        # When the scenario seeds and reads cases through the real pages on it
        data = tmp_path / "data"
        data.mkdir()
        result = _run_scenario(data, markers, database_url=url)
        dumped = pg_dump(url=url, dump=tmp_path / "dump.sql")

    # Then a real pg_dump of the database holds no marker and no staff private key
    assert b"cases_casegroupkey" in dumped  # the dump really holds the case tables
    leaks = [
        f"{marker_name} in pg_dump"
        for marker_name, marker in markers.items()
        if any(form in dumped for form in encoded_forms(marker))
    ]
    for key in re.findall(r"PRIVATE KEY ([0-9a-f]{64})", result.stdout):
        if key.encode() in dumped or bytes.fromhex(key).hex().encode() in dumped.lower():
            leaks.append("a staff private key in pg_dump")
    # and neither does the data folder or the log output
    leaks += _leaks(data, markers, result)
    assert leaks == []

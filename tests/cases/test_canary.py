"""Canary: with nobody signed in, the database (file and WAL), the data folder (uploads, mail)
and every log line reveal none of the sensitive values put into cases (issue 4, item 1).

The scenario runs in its own process (``canary_scenario.py``) against a real SQLite file in
WAL mode, logging at DEBUG with SQL, so what is searched is what a seized server would hold.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

FIELDS = (
    "full_name",
    "other_names",
    "contact",
    "current_location",
    "story",
    "note",
    "household_name",
    "relationship",
    "reason",
    "intake_name",
)
SCENARIO = Path(__file__).with_name("canary_scenario.py")
REPOSITORY = Path(__file__).resolve().parents[2]


def _forms(marker: str) -> list[bytes]:
    """The marker as it could appear on disk: UTF-8, UTF-16 and JSON-escaped."""
    return [marker.encode(), marker.encode("utf-16-le"), marker.encode("unicode_escape")]


def test_no_sensitive_value_reaches_the_database_files_the_data_folder_or_the_logs(
    tmp_path: Path,
) -> None:
    # Given a unique marker for every sensitive field
    markers = {name: f"Canary{uuid.uuid4().hex}{name}" for name in FIELDS}
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

    # When the scenario seeds and reads cases through the real pages
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

    # Then it ran, the reader saw every marker, and no file or log line holds one
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    assert "CANARY SCENARIO DONE" in result.stdout
    assert "SELECT" in result.stderr  # SQL was logged, so the logs were really searched
    files = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert any(path.name.endswith("-wal") for path in files)
    leaks = [
        f"{name} in {path.relative_to(tmp_path)}"
        for path in files
        for name, marker in markers.items()
        if any(form in path.read_bytes() for form in _forms(marker))
    ]
    logs = result.stdout + result.stderr
    leaks += [f"{name} in the log output" for name, marker in markers.items() if marker in logs]
    assert leaks == []

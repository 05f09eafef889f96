"""Canary (SR-36): a backup of a real installation, taken and restored with the
``safepassage`` command as an operator runs it, holds no sensitive value in clear, neither
in the file nor inside once decrypted; it restores into an empty installation whose audit
chain verifies; a changed file is refused with one line, never a traceback.

The installation is made by the cases canary scenario (``tests/cases/canary_scenario.py``):
every sensitive field of a case, a document and an intake request hold a unique marker.
"""

import os
import subprocess
import sys
from pathlib import Path

from safepassage.core.backup_archive import ArchiveReader
from tests.backups.factories import key_files
from tests.canary_support import case_canary_markers, encoded_forms

REPOSITORY = Path(__file__).resolve().parents[2]
SCENARIO = REPOSITORY / "tests" / "cases" / "canary_scenario.py"


def _environment(data_dir: Path) -> dict[str, str]:
    return {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    } | {
        "SAFEPASSAGE_DATA_DIR": str(data_dir),
        "SAFEPASSAGE_MODE": "development",
        "SAFEPASSAGE_EMAIL": "file",
        "PYTHONPATH": os.pathsep.join([str(REPOSITORY / "src"), str(REPOSITORY)]),
    }


def _run(data_dir: Path, *arguments: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPOSITORY,
        env=_environment(data_dir),
        timeout=540,
        check=False,
    )


def _safepassage(data_dir: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return _run(data_dir, "-m", "safepassage.cli", *arguments)


def test_a_backup_of_a_real_installation_holds_no_plaintext_and_restores_elsewhere(
    tmp_path: Path,
) -> None:
    # Given an installation on SQLite whose every sensitive field holds a marker
    markers = case_canary_markers()
    data = tmp_path / "data"
    data.mkdir()
    seeded = _run(
        data,
        str(SCENARIO),
        stdin="\n".join(f"{name}={value}" for name, value in markers.items()),
    )
    assert "CANARY SCENARIO DONE" in seeded.stdout, seeded.stdout[-2000:] + seeded.stderr[-3000:]
    key, public, private = key_files(tmp_path)

    # When the operator backs it up with the command
    backup = tmp_path / "site.spb"
    made = _safepassage(data, "backup", "--recipient", str(public), "-o", str(backup))
    assert made.returncode == 0, made.stderr[-3000:]

    # Then neither the file nor its decrypted payload (database and documents) holds a marker
    written = backup.read_bytes()
    with backup.open("rb") as source:
        payload = ArchiveReader(source=source, identity=key).read()
    assert b"cases_casegroupkey" in payload  # the payload really holds the database
    assert b".sp" in payload  # and the encrypted documents
    leaks = [
        f"{name} in the {where}"
        for name, marker in markers.items()
        for where, content in (("backup file", written), ("decrypted payload", payload))
        if any(form in content for form in encoded_forms(marker))
    ]
    assert leaks == []

    # When it is restored into an empty installation (no --force needed)
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    restored = _safepassage(fresh, "restore", str(backup), "--identity", str(private))

    # Then it restores, the audit chain verifies, and the documents are back
    assert restored.returncode == 0, restored.stderr[-3000:]
    verified = _safepassage(fresh, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr[-2000:]
    assert list((fresh / "documents").glob("*.sp"))

    # When a byte of the backup is changed
    changed = bytearray(written)
    changed[len(changed) // 3] ^= 0x01
    backup.write_bytes(bytes(changed))
    refused = _safepassage(fresh, "restore", str(backup), "--identity", str(private), "--force")

    # Then the command refuses with one line and no traceback
    assert refused.returncode == 1
    assert "changed or damaged" in refused.stderr
    assert "Traceback" not in refused.stderr

"""On PostgreSQL, as an operator runs it: a backup of one installation, made with the
``safepassage`` command (pg_dump inside), restored with the command into a new, empty
database on another data folder (pg_restore inside, no ``--force`` needed), verifies and
holds the same organisations; restoring it again over the now full database needs
``--force``."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.backups.factories import key_files
from tests.canary_support import scratch_postgres_database

REPOSITORY = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]


def _safepassage(url: str, data_dir: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"
    } | {
        "DATABASE_URL": url,
        "SAFEPASSAGE_DATA_DIR": str(data_dir),
        "SAFEPASSAGE_MODE": "development",
        "PYTHONPATH": os.pathsep.join([str(REPOSITORY / "src"), str(REPOSITORY)]),
    }
    return subprocess.run(
        [sys.executable, "-m", "safepassage.cli", *arguments],
        capture_output=True,
        text=True,
        cwd=REPOSITORY,
        env=environment,
        timeout=300,
        check=False,
    )


def test_a_postgresql_backup_restores_into_an_empty_database_with_the_command(
    tmp_path: Path,
) -> None:
    _key, public, private = key_files(tmp_path)
    backup = tmp_path / "site.spb"
    with (
        scratch_postgres_database("backup_source") as source,
        scratch_postgres_database("backup_target") as target,
    ):
        # Given an installation with an organisation
        source_data, target_data = tmp_path / "source", tmp_path / "target"
        assert _safepassage(source, source_data, "migrate", "-v0").returncode == 0
        created = _safepassage(
            source,
            source_data,
            "create-organisation",
            "--name",
            "Northern Path",
            "--kind",
            "case_organisation",
            "--admin-email",
            "admin@northernpath.example",
        )
        assert created.returncode == 0, created.stderr[-2000:]

        # When it is backed up and restored into an empty database
        made = _safepassage(
            source, source_data, "backup", "--recipient", str(public), "-o", str(backup)
        )
        assert made.returncode == 0, made.stderr[-2000:]
        restored = _safepassage(
            target, target_data, "restore", str(backup), "--identity", str(private)
        )

        # Then the restore worked, the audit chain verifies and the organisation is there
        assert restored.returncode == 0, restored.stderr[-2000:]
        assert "postgresql database" in restored.stdout
        verified = _safepassage(target, target_data, "audit", "verify")
        assert verified.returncode == 0, verified.stderr[-2000:]
        listed = _safepassage(target, target_data, "list-organisations")
        assert "Northern Path" in listed.stdout

        # and restoring again over the now full database is refused without --force
        again = _safepassage(
            target, target_data, "restore", str(backup), "--identity", str(private)
        )
        assert again.returncode == 1
        assert "refusing to overwrite" in again.stderr
        assert "Traceback" not in again.stderr

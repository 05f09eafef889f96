"""``safepassage backup -o -`` (SR-36): standard output carries the encrypted backup and
nothing else, byte for byte the same format as a file, so it can be piped to any remote
store; the report goes to standard error, and a terminal is refused."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from safepassage.core.backup_archive import MAGIC, ArchiveReader, read_header
from tests.backups.factories import key_files
from tests.canary_support import scratch_postgres_database

REPOSITORY = Path(__file__).resolve().parents[2]


def _safepassage(
    data_dir: Path, *arguments: str, database_url: str = ""
) -> subprocess.CompletedProcess[bytes]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    } | {
        "DATABASE_URL": database_url,
        "SAFEPASSAGE_DATA_DIR": str(data_dir),
        "SAFEPASSAGE_MODE": "development",
        "SAFEPASSAGE_EMAIL": "file",
        "PYTHONPATH": os.pathsep.join([str(REPOSITORY / "src"), str(REPOSITORY)]),
    }
    return subprocess.run(
        [sys.executable, "-m", "safepassage.cli", *arguments],
        capture_output=True,
        cwd=REPOSITORY,
        env=environment,
        timeout=540,
        check=False,
    )


def test_backup_to_standard_output_writes_the_archive_and_nothing_else(tmp_path: Path) -> None:
    # Given an installation holding a document, and the offline key's public half
    data = tmp_path / "data"
    (data / "documents").mkdir(parents=True)
    (data / "documents" / "a.sp").write_bytes(b"sealed document")
    migrated = _safepassage(data, "migrate", "--verbosity", "0")
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    key, public, private = key_files(tmp_path)

    # When the operator streams a backup to standard output, and writes one to a file
    streamed = _safepassage(data, "backup", "--recipient", str(public), "-o", "-")
    assert streamed.returncode == 0, streamed.stderr[-3000:]
    to_file = tmp_path / "site.spb"
    written = _safepassage(data, "backup", "--recipient", str(public), "-o", str(to_file))
    assert written.returncode == 0, written.stderr[-3000:]

    # Then standard output is exactly one archive: it starts with the magic and reads to its
    # final chunk with not one byte after it (no banner, no progress, no report)
    out = streamed.stdout
    assert out.startswith(MAGIC)
    reader = ArchiveReader(source=io.BytesIO(out), identity=key)
    reader.drain()
    assert reader.finished

    # And it is the same format as the file: the same header fields, and restore --check
    # authenticates it like the file
    header, _prefix = read_header(io.BytesIO(out))
    file_header, _file_prefix = read_header(io.BytesIO(to_file.read_bytes()))
    assert header.file_count == file_header.file_count == 1
    assert (header.database_engine, header.recipient) == (
        file_header.database_engine,
        file_header.recipient,
    )
    assert header.backup_id != file_header.backup_id
    piped = tmp_path / "piped.spb"
    piped.write_bytes(out)
    checked = _safepassage(data, "restore", str(piped), "--identity", str(private), "--check")
    assert checked.returncode == 0, checked.stderr[-3000:]
    assert b"authenticated, nothing changed" in checked.stdout

    # And the report went to standard error, where the operator (or cron's mail) sees it
    assert f"Backup {header.backup_id} written".encode() in streamed.stderr
    assert b"Backup" not in written.stderr


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_on_postgresql_pg_dump_adds_nothing_to_the_stream(tmp_path: Path) -> None:
    # Given an installation on PostgreSQL
    key, public, _private = key_files(tmp_path)
    data = tmp_path / "data"
    with scratch_postgres_database("backup_stdout") as url:
        migrated = _safepassage(data, "migrate", "--verbosity", "0", database_url=url)
        assert migrated.returncode == 0, migrated.stderr[-3000:]

        # When it is backed up to standard output (pg_dump inside)
        streamed = _safepassage(
            data, "backup", "--recipient", str(public), "-o", "-", database_url=url
        )

    # Then standard output is exactly one archive holding the pg_dump
    assert streamed.returncode == 0, streamed.stderr[-3000:]
    reader = ArchiveReader(source=io.BytesIO(streamed.stdout), identity=key)
    assert reader.header.database_engine == "postgresql"
    reader.drain()
    assert reader.finished


class _Terminal(io.TextIOWrapper):
    def isatty(self) -> bool:
        return True


@pytest.mark.django_db
def test_a_backup_is_never_written_to_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given standard output is a terminal
    terminal = io.BytesIO()
    monkeypatch.setattr("sys.stdout", _Terminal(terminal))
    _key, public, _private = key_files(tmp_path)

    # When the operator forgets the pipe, Then the command refuses and writes nothing
    with pytest.raises(CommandError, match="refusing to write a backup to a terminal"):
        call_command("backup", "--recipient", str(public), "-o", "-")
    assert terminal.getvalue() == b""

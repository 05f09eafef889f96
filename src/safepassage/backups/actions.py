"""Back up and restore an installation: the database and the data folders (SR-36, SR-12).

``do_create_backup`` takes a consistent snapshot of the database (SQLite: the online backup
API; PostgreSQL: ``pg_dump --format=custom``, decision 0033), puts it and the ``documents``
and ``media`` folders in a tar stream and encrypts that, streamed, to the offline
recipient's public key (``safepassage.core.backup_archive``). The outgoing mail folder is
left out: it holds receipts and links in clear, and nothing needs it after a restore.

``do_restore_backup`` authenticates the whole archive while extracting it into a private
staging folder, and only then replaces the database and the folders, migrates, records a
``backup.restored`` audit event; the command then re-applies the shred list.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from safepassage.audit.actions import record_audit_event
from safepassage.backups.errors import (
    DatabaseNotEmpty,
    ToolFailed,
    ToolMissing,
    WrongDatabaseEngine,
)
from safepassage.core.backup_archive import (
    ArchiveReader,
    ArchiveWriter,
    BackupHeader,
    BackupPrivateKey,
    BackupPublicKey,
    DamagedBackup,
)

MAX_BACKUP_AGE = datetime.timedelta(days=30)
FOLDERS = ("documents", "media")
SKIPPED = {("documents", "incoming")}  # uploads in progress: never a document yet
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
TOOL_TIMEOUT_SECONDS = 6 * 3600
CHUNK = 1024 * 1024


@dataclass(frozen=True, kw_only=True)
class RestoreResult:
    header: BackupHeader
    age: datetime.timedelta
    files: int


def database_engine() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBERS:
        msg = f"backups support SQLite and PostgreSQL, not {vendor}"
        raise WrongDatabaseEngine(msg)
    return vendor


def _data_dir() -> Path:
    return Path(settings.DATA_DIR)


@contextlib.contextmanager
def _staging() -> Iterator[Path]:
    """A private folder in the data folder (same disk, never /tmp), removed afterwards."""
    _data_dir().mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=".backup-", dir=_data_dir()))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _pg_program(program: str) -> str:
    configured = os.environ.get("SAFEPASSAGE_PG_BIN")
    if configured:
        return str(Path(configured) / program)
    located = shutil.which(program)
    if located:
        return located
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{program}"))
    if candidates:
        return str(candidates[-1])
    msg = (
        f"{program} not found: install the PostgreSQL client (apt-get install "
        "postgresql-client, the same major version as the server or newer) or set "
        "SAFEPASSAGE_PG_BIN to its bin folder"
    )
    raise ToolMissing(msg)


def _pg_environment() -> dict[str, str]:
    """libpq settings for pg_dump/pg_restore: the password goes in the environment of the
    child only, never on a command line (``ps`` shows those)."""
    database = connection.settings_dict
    environment = dict(os.environ)
    values = {
        "PGDATABASE": database.get("NAME"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGSSLMODE": (database.get("OPTIONS") or {}).get("sslmode"),
    }
    environment.update({name: str(value) for name, value in values.items() if value})
    return environment


def _run_tool(arguments: list[str]) -> None:
    # The program is pg_dump/pg_restore found above; the arguments are ours and file paths.
    result = subprocess.run(  # noqa: S603
        arguments,
        env=_pg_environment(),
        capture_output=True,
        text=True,
        timeout=TOOL_TIMEOUT_SECONDS,
        check=False,
    )
    if result.returncode != 0:
        # pg_dump and pg_restore name objects, never row values, in their errors.
        msg = f"{Path(arguments[0]).name} failed: {result.stderr.strip()[-2000:]}"
        raise ToolFailed(msg)


def _snapshot_database(*, engine: str, target: Path) -> None:
    if engine == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return
    _run_tool(
        [
            _pg_program("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={target}",
        ]
    )


def _data_files() -> list[tuple[Path, str]]:
    """(path on disk, name in the archive) of every regular file of the data folders."""
    found: list[tuple[Path, str]] = []
    for folder in FOLDERS:
        root = _data_dir() / folder
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(_data_dir())
            if relative.parts[:2] in SKIPPED or path.is_symlink() or not path.is_file():
                continue
            found.append((path, relative.as_posix()))
    return found


def do_create_backup(
    *, out: BinaryIO, recipient: BackupPublicKey, now: datetime.datetime | None = None
) -> BackupHeader:
    """Write an encrypted backup of the database and the data folders to ``out``."""
    now = now or timezone.now()
    engine = database_engine()
    with _staging() as staging:
        snapshot = staging / DATABASE_MEMBERS[engine]
        _snapshot_database(engine=engine, target=snapshot)
        files = _data_files()
        header = BackupHeader(
            backup_id=str(uuid.uuid4()),
            created=now.astimezone(datetime.UTC).isoformat(timespec="seconds"),
            database_engine=engine,
            database_bytes=snapshot.stat().st_size,
            file_count=len(files),
            file_bytes=sum(path.stat().st_size for path, _name in files),
        )
        writer = ArchiveWriter(out=out, recipient=recipient, header=header)
        with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as archive:
            archive.add(snapshot, arcname=DATABASE_MEMBERS[engine], recursive=False)
            for path, name in files:
                with contextlib.suppress(FileNotFoundError):  # deleted meanwhile (a shred)
                    archive.add(path, arcname=name, recursive=False)
        writer.close()
        return writer.header


# --- Restoring -------------------------------------------------------------------------


def backup_age(header: BackupHeader) -> datetime.timedelta:
    try:
        created = datetime.datetime.fromisoformat(header.created)
    except ValueError:
        raise DamagedBackup("the backup's creation time is damaged") from None
    return timezone.now() - created


def _database_tables() -> list[str]:
    return list(connection.introspection.table_names())


def _folder_is_empty(folder: Path) -> bool:
    return not folder.exists() or not any(
        path.is_file() for path in folder.rglob("*") if path.parts[-2:-1] != ("incoming",)
    )


def check_restore_backup(*, header: BackupHeader, force: bool) -> None:
    """Refuse a backup of another engine, and an installation already holding data unless
    the operator said ``--force``."""
    engine = database_engine()
    if header.database_engine != engine:
        msg = (
            f"this is a backup of a {header.database_engine} database; this installation "
            f"uses {engine} (set DATABASE_URL to a database of the same kind)"
        )
        raise WrongDatabaseEngine(msg)
    if force:
        return
    tables = _database_tables()
    full_folders = [folder for folder in FOLDERS if not _folder_is_empty(_data_dir() / folder)]
    if tables or full_folders:
        held = []
        if tables:
            held.append(f"the database has {len(tables)} tables")
        held += [f"the {folder} folder holds files" for folder in full_folders]
        msg = (
            f"refusing to overwrite this installation: {', '.join(held)}. Restore into an "
            "empty database and data folder, or add --force to replace them"
        )
        raise DatabaseNotEmpty(msg)


def _member_target(*, staging: Path, member: tarfile.TarInfo, database_name: str) -> Path:
    name = PurePosixPath(member.name)
    allowed = name.as_posix() == database_name or (
        len(name.parts) >= 2 and name.parts[0] in FOLDERS and ".." not in name.parts
    )
    if not allowed or name.is_absolute() or not (member.isfile() or member.isdir()):
        raise DamagedBackup(f"the backup holds an unexpected entry: {member.name!r}")
    return staging / Path(*name.parts)


def _extract(*, reader: ArchiveReader, staging: Path | None) -> int:
    """Extract every member into ``staging`` (or only read it, with ``None``); returns the
    number of data files. Raises :class:`DamagedBackup` unless the whole archive
    authenticated."""
    database_name = DATABASE_MEMBERS[reader.header.database_engine]
    files = 0
    has_database = False
    scratch = Path(".")  # where member names are checked when nothing is written
    try:
        with tarfile.open(fileobj=reader, mode="r|") as archive:
            for member in archive:
                target = _member_target(
                    staging=staging or scratch, member=member, database_name=database_name
                )
                if member.isdir():
                    if staging is not None:
                        target.mkdir(parents=True, exist_ok=True)
                    continue
                source = archive.extractfile(member)
                if source is None:  # pragma: no cover - isfile() members always have data
                    raise DamagedBackup(f"the backup's entry {member.name!r} has no data")
                if staging is None:
                    while source.read(CHUNK):
                        pass
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with target.open("wb") as out:
                        shutil.copyfileobj(source, out)
                if member.name == database_name:
                    has_database = True
                else:
                    files += 1
    except tarfile.TarError:
        raise DamagedBackup("the backup's contents are damaged") from None
    reader.drain()
    if not reader.finished:  # pragma: no cover - drain raises first
        raise DamagedBackup("the backup is cut short: its end is missing")
    if not has_database:
        raise DamagedBackup("the backup holds no database")
    return files


def verify_backup(*, source: BinaryIO, identity: BackupPrivateKey) -> RestoreResult:
    """Decrypt and authenticate a whole backup without changing or writing anything."""
    reader = ArchiveReader(source=source, identity=identity)
    files = _extract(reader=reader, staging=None)
    return RestoreResult(header=reader.header, age=backup_age(reader.header), files=files)


def _drop_statements() -> str:
    """DROP every table of the database (also those of migrations newer than the backup)."""
    return "".join(
        f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE;\n"
        for table in _database_tables()
    )


def _restore_script(*, snapshot: Path, script: Path) -> None:
    """pg_restore turns the dump into SQL without connecting; ``--clean`` drops the
    functions and other objects it recreates."""
    _run_tool(
        [
            _pg_program("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            f"--file={script}",
            str(snapshot),
        ]
    )


def _restore_database(*, engine: str, snapshot: Path) -> None:
    if engine == "sqlite":
        # The online backup API writes the destination in one transaction.
        connection.ensure_connection()
        source = sqlite3.connect(snapshot)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()
        return
    # PostgreSQL: dropping what is there and loading the backup run as one transaction, so a
    # failure (a dump pg_restore cannot read, a permission) leaves the database as it was.
    script = snapshot.with_name("restore.sql")
    _restore_script(snapshot=snapshot, script=script)
    drop = snapshot.with_name("drop.sql")
    drop.write_text(_drop_statements(), encoding="utf-8")
    connection.close()
    _run_tool(
        [
            _pg_program("psql"),
            "--no-psqlrc",
            "--quiet",
            "--single-transaction",
            "--set=ON_ERROR_STOP=1",
            f"--file={drop}",
            f"--file={script}",
        ]
    )


def _replace_folders(*, staging: Path) -> None:
    for folder in FOLDERS:
        target = _data_dir() / folder
        if target.exists():
            shutil.rmtree(target)
        restored = staging / folder
        if restored.is_dir():
            restored.rename(target)
        else:
            target.mkdir(parents=True)


def do_restore_backup(
    *, source: BinaryIO, identity: BackupPrivateKey, force: bool
) -> RestoreResult:
    """Replace the database and data folders with the backup's, once it has authenticated.

    Stop the web server and the worker first. Afterwards the schema is migrated to this
    installation's version and a ``backup.restored`` event is appended to the audit trail.
    """
    reader = ArchiveReader(source=source, identity=identity)
    check_restore_backup(header=reader.header, force=force)
    age = backup_age(reader.header)
    with _staging() as staging:
        files = _extract(reader=reader, staging=staging)
        engine = reader.header.database_engine
        _restore_database(engine=engine, snapshot=staging / DATABASE_MEMBERS[engine])
        _replace_folders(staging=staging)
    call_command("migrate", interactive=False, verbosity=0)
    with transaction.atomic():
        record_audit_event(
            actor_ref="system",
            action="backup.restored",
            object_type="backup",
            object_ref=reader.header.backup_id,
        )
    return RestoreResult(header=reader.header, age=age, files=files)

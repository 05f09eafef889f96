"""What the canary tests share: how a marker may appear on disk, a scratch PostgreSQL
database on the test server, and a real ``pg_dump`` of it."""

import hashlib
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

CASE_CANARY_FIELDS = (
    "full_name",
    "other_names",
    "contact",
    "current_location",
    "story",
    "note",
    "household_name",
    "relationship",
    "reason",
    "task",
    "document_name",
    "document_content",
    "consent_given_by",
    "consent_how",
    "intake_name",
)
"""The sensitive values tests/cases/canary_scenario.py writes into a case, one marker each."""


def case_canary_markers() -> dict[str, str]:
    """A fresh marker per field of :data:`CASE_CANARY_FIELDS`."""
    return {name: f"Canary{uuid.uuid4().hex}{name}" for name in CASE_CANARY_FIELDS}


def encoded_forms(marker: str) -> list[bytes]:
    """The marker as it could appear on disk: UTF-8, UTF-16, escaped, or as a plain digest."""
    raw = marker.encode()
    return [
        raw,
        marker.encode("utf-16-le"),
        marker.encode("unicode_escape"),
        hashlib.sha256(raw).hexdigest().encode(),
        hashlib.sha256(raw).digest(),
        hashlib.md5(raw, usedforsecurity=False).hexdigest().encode(),
    ]


def _pg_bin(program: str) -> str:
    found = os.environ.get("SAFEPASSAGE_PG_BIN")
    if found:
        return str(Path(found) / program)
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{program}"))
    if candidates:
        return str(candidates[-1])
    located = shutil.which(program)
    assert located, f"{program} not found: apt-get install postgresql"
    return located


@contextmanager
def scratch_postgres_database(prefix: str) -> Iterator[str]:
    """A new, empty database on the test server for a scenario run in another process;
    yields its URL and drops it afterwards."""
    import psycopg

    database = settings.DATABASES["default"]
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    password = str(database.get("PASSWORD") or "")
    credentials = f"{database['USER']}:{password}" if password else str(database["USER"])
    server = f"{credentials}@{database['HOST']}:{database['PORT']}"
    with psycopg.connect(f"postgres://{server}/{database['NAME']}", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{server}/{name}"
    finally:
        with psycopg.connect(f"postgres://{server}/{database['NAME']}", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_dump(*, url: str, dump: Path) -> bytes:
    """A real plain-text ``pg_dump`` of the database at ``url``, as an operator would take."""
    subprocess.run(
        [_pg_bin("pg_dump"), "--no-owner", "--format=plain", f"--file={dump}", f"--dbname={url}"],
        check=True,
        timeout=120,
        env=dict(os.environ),
    )
    return dump.read_bytes()

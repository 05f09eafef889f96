"""``safepassage backup`` and ``restore`` on this suite's database (SQLite, or PostgreSQL
with pg_dump/pg_restore when the suite runs there): what is restored reads back through
the normal selectors, a restore re-applies the shred list, and a changed, cut-short or
foreign file, the wrong key or an installation already holding data is refused with a
message and nothing changes (SR-36, SR-12)."""

import datetime
import io
import shutil
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from pytest_django import Settings

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.backups import actions
from safepassage.backups.actions import do_create_backup
from safepassage.cases.document_storage import document_path
from safepassage.cases.models import Case, CaseDocument, ShreddedCase, ShredReason
from safepassage.cases.retention_actions import do_shred_case
from safepassage.cases.selectors import open_document, read_case_contents
from safepassage.core.backup_archive import ArchiveReader, parse_backup_public_key
from safepassage.donations.models import Pledge
from safepassage.donations.pledges.selectors import get_balance
from tests.backups.factories import key_files
from tests.cases.factories import KeyedStaff, keyed_organisation, make_full_case, make_keyed_staff
from tests.donations.pledges.factories import confirmed_pledge

pytestmark = pytest.mark.django_db(transaction=True)
DOCUMENT = b"%PDF-1.4\nbackup round trip document"


@pytest.fixture
def data_dir(settings: Settings, tmp_path: Path) -> Path:
    """A data folder of this test's own: restoring replaces its documents folder."""
    folder = tmp_path / "data"
    folder.mkdir()
    settings.DATA_DIR = folder
    settings.MEDIA_ROOT = folder / "media"
    return folder


def _output(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def _seed() -> tuple[Case, KeyedStaff, Pledge]:
    organisation, _recovery = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    colleague = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_full_case(
        owner=owner, colleague=colleague, document=DOCUMENT, full_name="Roundtrip Person"
    )
    pledge = confirmed_pledge(miles=25_000)
    return case, owner, pledge


def test_a_backup_restored_after_the_data_is_lost_reads_back_through_the_selectors(
    data_dir: Path, tmp_path: Path
) -> None:
    # Given a case with sealed fields and a document, and a confirmed pledge
    case, owner, pledge = _seed()
    _key, public, private = key_files(tmp_path)
    backup = tmp_path / "site.spb"

    # When the operator backs up, the data is lost, and the backup is restored
    assert "written" in _output("backup", "--recipient", str(public), "-o", str(backup))
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(data_dir / "documents")
    assert not Case.objects.exists()
    restored = _output("restore", str(backup), "--identity", str(private), "--force")

    # Then the case's sealed values, its document and the pledge read back as before
    assert "restored" in restored
    case = Case.objects.get(public_id=case.public_id)
    contents = read_case_contents(case=case, user=owner.user, key_pair=owner.key_pair)
    assert contents.groups["identity"] is not None
    assert contents.groups["identity"]["full_name"] == "Roundtrip Person"
    assert contents.notes is not None
    assert [note.body for note in contents.notes] == ["A note"]
    document = CaseDocument.objects.get(case=case)
    opened = open_document(document=document, user=owner.user, key_pair=owner.key_pair)
    assert opened.content == DOCUMENT
    restored_pledge = Pledge.objects.get(public_id=pledge.public_id)
    assert get_balance(pledge=restored_pledge).available.amount == 25_000
    # and the audit chain is intact and records the restore
    assert "intact" in _output("audit", "verify")
    assert AuditEvent.objects.filter(action="backup.restored").count() == 1


def test_the_backup_holds_ciphertext_only_and_no_plaintext_of_the_case(
    data_dir: Path, tmp_path: Path
) -> None:
    # Given a case whose document and name are markers
    _seed()
    key, public, _private = key_files(tmp_path)

    # When it is backed up
    out = io.BytesIO()
    do_create_backup(out=out, recipient=parse_backup_public_key(public.read_text()))

    # Then neither the file nor the decrypted payload holds the markers in clear
    written = out.getvalue()
    assert b"Roundtrip Person" not in written
    assert b"backup round trip document" not in written
    payload = ArchiveReader(source=io.BytesIO(written), identity=key).read()
    assert b"Roundtrip Person" not in payload
    assert b"backup round trip document" not in payload
    with tarfile.open(fileobj=io.BytesIO(payload)) as archive:
        names = archive.getnames()
    assert any(name.startswith("documents/") and name.endswith(".sp") for name in names)


def test_a_restore_shreds_again_the_cases_shredded_since_the_backup(
    data_dir: Path, tmp_path: Path
) -> None:
    # Given a backup taken before a case was crypto-shredded, and the newest shred list
    case, _owner, _pledge = _seed()
    _key, public, private = key_files(tmp_path)
    backup = tmp_path / "site.spb"
    _output("backup", "--recipient", str(public), "-o", str(backup))
    do_shred_case(case=case, reason=ShredReason.RETENTION, today=timezone.localdate())
    shred_list = tmp_path / "shred-list.txt"
    shred_list.write_text(_output("shred_list", "export"))

    # When the backup is restored with the list
    restored = _output(
        "restore",
        str(backup),
        "--identity",
        str(private),
        "--force",
        "--shred-list",
        str(shred_list),
    )

    # Then the case is shredded again, its document file gone
    assert "1 restored cases shredded again." in restored
    assert not Case.objects.filter(public_id=case.public_id).exists()
    assert ShreddedCase.objects.filter(code=case.code).exists()
    assert not list((data_dir / "documents").glob("*.sp"))


def _refused(*args: str) -> str:
    with pytest.raises(CommandError) as refused:
        call_command("restore", *args, stdout=io.StringIO())
    return str(refused.value)


def test_an_installation_holding_data_is_not_overwritten_without_force(
    data_dir: Path, tmp_path: Path
) -> None:
    # Given a backup, and an installation that has data
    case, _owner, _pledge = _seed()
    _key, public, private = key_files(tmp_path)
    backup = tmp_path / "site.spb"
    _output("backup", "--recipient", str(public), "-o", str(backup))
    Case.objects.filter(pk=case.pk).update(priority=1)
    events = AuditEvent.objects.count()

    # When it is restored without --force, Then it is refused and nothing changed
    message = _refused(str(backup), "--identity", str(private))
    assert "refusing to overwrite" in message
    assert "--force" in message
    assert Case.objects.get(pk=case.pk).priority == 1
    assert AuditEvent.objects.count() == events
    assert document_path(CaseDocument.objects.get().public_id).exists()


@pytest.mark.parametrize("damage", ["flip", "truncate", "wrong-key", "not-a-backup"])
def test_a_damaged_file_or_the_wrong_key_is_refused_and_nothing_changes(
    data_dir: Path, tmp_path: Path, damage: str
) -> None:
    # Given a backup and an installation with data
    case, _owner, _pledge = _seed()
    _key, public, private = key_files(tmp_path)
    backup = tmp_path / "site.spb"
    _output("backup", "--recipient", str(public), "-o", str(backup))
    data = bytearray(backup.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x20
    elif damage == "truncate":
        del data[-100:]
    elif damage == "not-a-backup":
        data = bytearray(b"PGDMP" + bytes(data[5:]))
    backup.write_bytes(bytes(data))
    if damage == "wrong-key":
        other = tmp_path / "other"
        other.mkdir()
        _other_key, _other_public, private = key_files(other)
    Case.objects.filter(pk=case.pk).update(priority=1)

    # When it is restored, even with --force, Then it is refused with a message
    message = _refused(str(backup), "--identity", str(private), "--force")
    expected = {
        "flip": "changed or damaged",
        "truncate": "cut short",
        "wrong-key": "encrypted to another key",
        "not-a-backup": "not a SafePassage backup",
    }[damage]
    assert expected in message
    # and the database and documents are untouched
    assert Case.objects.get(pk=case.pk).priority == 1
    assert document_path(CaseDocument.objects.get().public_id).exists()
    assert not AuditEvent.objects.filter(action="backup.restored").exists()


def test_a_backup_older_than_30_days_is_restored_with_a_warning(
    data_dir: Path, tmp_path: Path
) -> None:
    # Given a backup made 40 days ago
    _seed()
    key, _public, private = key_files(tmp_path)
    backup = tmp_path / "old.spb"
    with backup.open("wb") as out:
        do_create_backup(
            out=out,
            recipient=key.public_key,
            now=timezone.now() - datetime.timedelta(days=40),
        )

    # When it is checked, Then the operator is told it is over the maximum age
    checked = _output("restore", str(backup), "--identity", str(private), "--check")
    assert "authenticated, nothing changed" in checked
    assert "40 days old" in checked
    assert "older than the maximum age (30 days)" in checked


def test_backup_key_new_writes_a_pair_that_backs_up_and_restores(
    data_dir: Path, tmp_path: Path
) -> None:
    # Given a key pair made by the command (private key printed once)
    public = tmp_path / "made.pub"
    made = _output("backup-key".replace("-", "_"), "new", "--public-key", str(public))
    private_line = next(line for line in made.splitlines() if line.startswith("SPBACKUP-KEY-"))
    private = tmp_path / "made.key"
    private.write_text(private_line)

    # When a backup is made to it and checked with the printed key
    backup = tmp_path / "site.spb"
    _output("backup", "--recipient", str(public), "-o", str(backup))
    checked = _output("restore", str(backup), "--identity", str(private), "--check")

    # Then it opens, and the command refuses to overwrite an existing key file
    assert "authenticated" in checked
    with pytest.raises(CommandError, match="refusing to overwrite"):
        call_command("backup_key", "new", "--public-key", str(public), stdout=io.StringIO())
    assert oct(backup.stat().st_mode & 0o777) == "0o600"


@pytest.mark.postgres_only
def test_on_postgresql_the_backup_holds_a_pg_dump_custom_archive(
    data_dir: Path, tmp_path: Path
) -> None:
    # Given a PostgreSQL installation with data
    _seed()
    key, _public, _private = key_files(tmp_path)

    # When it is backed up
    out = io.BytesIO()
    header = do_create_backup(out=out, recipient=key.public_key)

    # Then the payload's database is pg_dump's custom format
    payload = ArchiveReader(source=io.BytesIO(out.getvalue()), identity=key).read()
    with tarfile.open(fileobj=io.BytesIO(payload)) as archive:
        database = archive.extractfile("database.pgdump")
        assert database is not None
        assert database.read(5) == b"PGDMP"
    assert header.database_engine == "postgresql"


def test_the_shred_list_step_judges_the_age_by_the_restored_data_not_the_restore_event(
    data_dir: Path, tmp_path: Path
) -> None:
    # Given a backup whose newest audit event is 40 days old
    _seed()
    AuditEvent.objects.update(occurred_at=timezone.now() - datetime.timedelta(days=40))
    _key, public, private = key_files(tmp_path)
    backup = tmp_path / "site.spb"
    _output("backup", "--recipient", str(public), "-o", str(backup))
    shred_list = tmp_path / "shred-list.txt"
    shred_list.write_text("")

    # When it is restored with the shred list (the restore itself appends an event)
    restored = _output(
        "restore",
        str(backup),
        "--identity",
        str(private),
        "--force",
        "--shred-list",
        str(shred_list),
    )

    # Then the shred-list step says the data is 40 days old and warns
    assert "The restored data is 40 days old." in restored
    assert "older than the maximum age (30 days)" in restored


@pytest.mark.postgres_only
def test_on_postgresql_a_restore_that_fails_midway_leaves_the_database_as_it_was(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a backup, and an installation holding data since changed
    case, _owner, _pledge = _seed()
    _key, public, private = key_files(tmp_path)
    backup = tmp_path / "site.spb"
    _output("backup", "--recipient", str(public), "-o", str(backup))
    Case.objects.filter(pk=case.pk).update(priority=1)
    real_script = actions._restore_script

    def failing_script(*, snapshot: Path, script: Path) -> None:
        # the backup's SQL, then a statement that fails after the tables were dropped
        real_script(snapshot=snapshot, script=script)
        with script.open("a", encoding="utf-8") as out:
            out.write("\nSELECT * FROM no_such_table_after_the_drop;\n")

    monkeypatch.setattr(actions, "_restore_script", failing_script)

    # When a forced restore fails after dropping and loading, Then it says so
    message = _refused(str(backup), "--identity", str(private), "--force")
    assert "psql failed" in message

    # and the database is exactly as it was: the drop and the load were rolled back
    assert Case.objects.get(pk=case.pk).priority == 1
    assert not AuditEvent.objects.filter(action="backup.restored").exists()

"""SR-12: a restored backup brings a shredded case back; ``shred_list apply`` destroys it again.

The "backup" is the case's rows serialised as ``dumpdata`` would and a copy of the documents
folder, taken before the case was shredded; the "restore" puts both back.
"""

import datetime
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core import serializers
from django.core.management import call_command
from django.db.models import Model
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks as CaptureCallbacks
from pytest_django import Settings

from safepassage.accounts.roles import Role
from safepassage.cases.document_storage import document_path, documents_directory
from safepassage.cases.management.commands import shred_list as shred_list_command
from safepassage.cases.models import (
    Case,
    CaseDocument,
    CaseGroupKey,
    CaseMember,
    CaseNote,
    CaseTask,
    CaseTransition,
    HouseholdMember,
    RetentionRule,
    ShreddedCase,
)
from safepassage.cases.retention_actions import (
    MAX_BACKUP_AGE,
    do_shred_cases_past_retention,
    restored_data_age,
)
from tests.cases.factories import (
    KeyedStaff,
    keyed_organisation,
    make_case,
    make_full_case,
    make_keyed_staff,
    recovery_private_key,
)

PDF = b"%PDF-1.4\nrestored-document\n%%EOF\n"
CASE_ROWS: tuple[type[Model], ...] = (
    Case,
    CaseGroupKey,
    CaseMember,
    CaseNote,
    HouseholdMember,
    CaseTask,
    CaseDocument,
)


@pytest.fixture(autouse=True)
def data_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    return tmp_path / "data"


def _case_with_everything(owner: KeyedStaff, colleague: KeyedStaff) -> Case:
    return make_full_case(
        owner=owner,
        colleague=colleague,
        document=PDF,
        full_name="Restored Person",
        story="Restored story",
        note="Restored note",
        relative="Restored relative",
        task="Restored task",
    )


def _backup(case: Case) -> str:
    """The case's rows, as a database backup holds them (tombstone not yet there)."""
    rows: list[Model] = [
        row
        for model in CASE_ROWS
        for row in model._default_manager.filter(
            **({"pk": case.pk} if model is Case else {"case": case})
        )
    ]
    rows += list(CaseTransition.objects.filter(case=case))
    return str(serializers.serialize("json", rows))


def _restore(dump: str) -> None:
    for restored in serializers.deserialize("json", dump):
        restored.save()


@pytest.mark.django_db
def test_shred_list_apply_destroys_again_what_a_restored_backup_brought_back(
    data_dir: Path, tmp_path: Path, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    # Given a withdrawn case with keys, notes, household, a task and a document, another
    # case that stays, and backups of the database and documents folder taken that night
    organisation, recovery = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    colleague = make_keyed_staff(Role.ADMIN, organisation)
    case = _case_with_everything(owner, colleague)
    kept = make_case(actor=owner, full_name="Kept Person")
    document = CaseDocument.objects.get(case=case)
    database_backup = _backup(case)
    documents_backup = tmp_path / "documents-backup"
    shutil.copytree(documents_directory(), documents_backup)

    # and the case shredded the next night past its retention, its code exported
    Case.objects.filter(pk=case.pk).update(
        state="withdrawn", state_changed_on=timezone.localdate() - datetime.timedelta(days=90)
    )
    RetentionRule.objects.create(organisation=organisation, state="withdrawn", days=30)
    with django_capture_on_commit_callbacks(execute=True):
        assert do_shred_cases_past_retention().shredded == 1
    exported = StringIO()
    call_command("shred_list", "export", stdout=exported)
    shred_file = tmp_path / "shred-list.txt"
    shred_file.write_text(exported.getvalue())
    assert not document_path(document.public_id).exists()

    # When the backups are restored (rows back, tombstone gone, the encrypted file back,
    # plus a file of a case shredded before the documents backup was taken)
    ShreddedCase.objects.all().delete()
    _restore(database_backup)
    shutil.rmtree(documents_directory())
    shutil.copytree(documents_backup, documents_directory())
    stale_file = documents_directory() / "00000000-0000-4000-8000-000000000000.sp"
    stale_file.write_bytes(b"ciphertext of a case shredded earlier")
    assert Case.objects.filter(pk=case.pk).exists()
    assert CaseGroupKey.objects.filter(case_id=case.pk).count() > 0
    assert document_path(document.public_id).exists()
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("shred_list", "apply", str(shred_file), stdout=out)

    # Then every key, sealed row and file of the case is gone again, and no recovery copy
    # is left for the recovery key to open
    assert "1 restored cases shredded again" in out.getvalue()
    assert "2 encrypted files of no document removed" in out.getvalue()
    for model in CASE_ROWS:
        lookup = {"pk": case.pk} if model is Case else {"case_id": case.pk}
        assert not model._default_manager.filter(**lookup).exists(), model.__name__
    assert not CaseTransition.objects.filter(case_id=case.pk).exists()
    assert not document_path(document.public_id).exists()
    assert not stale_file.exists()
    fingerprint = recovery_private_key(recovery).public_key().fingerprint
    assert not CaseGroupKey.objects.filter(
        case_id=case.pk, recipient_fingerprint=fingerprint
    ).exists()
    assert ShreddedCase.objects.get(code=case.code).reason == "restored"
    # and the other case is untouched; applying again changes nothing
    assert CaseGroupKey.objects.filter(case=kept).exists()
    again = StringIO()
    call_command("shred_list", "apply", str(shred_file), stdout=again)
    assert "0 restored cases shredded again" in again.getvalue()


@pytest.mark.django_db
def test_a_restore_older_than_the_maximum_backup_age_is_reported(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Given a restored database whose newest event is 40 days old
    organisation, _recovery = keyed_organisation()
    make_keyed_staff(Role.CASEWORKER, organisation)
    later = timezone.now() + datetime.timedelta(days=40)
    age = restored_data_age(now=later)
    assert age is not None
    assert age > MAX_BACKUP_AGE
    monkeypatch.setattr(shred_list_command, "restored_data_age", lambda: age)
    shred_file = tmp_path / "shred-list.txt"
    shred_file.write_text("")

    # When the shred list is applied
    out = StringIO()
    call_command("shred_list", "apply", str(shred_file), stdout=out)

    # Then the operator is told the backup is too old
    assert "40 days old" in out.getvalue() or "39 days old" in out.getvalue()
    assert "older than the maximum age (30 days)" in out.getvalue()

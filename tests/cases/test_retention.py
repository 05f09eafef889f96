"""Retention and crypto-shredding (SR-12, issue 4 item 6)."""

import base64
import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.cases import case_shredding
from safepassage.cases.document_storage import document_path
from safepassage.cases.models import (
    Case,
    CaseDocument,
    CaseGroupKey,
    CaseReferral,
    RetentionRule,
    ShreddedCase,
)
from safepassage.cases.referral_actions import Consent, do_accept_referral, do_refer_case
from safepassage.cases.retention_actions import (
    do_shred_cases_past_retention,
    remove_orphan_document_files,
)
from safepassage.cases.tasks import shred_cases_past_retention
from safepassage.core.crypto import SensitiveGroup, unwrap_group_key
from safepassage.organisations.models import Partnership
from tests.cases.factories import (
    KeyedStaff,
    keyed_organisation,
    make_case,
    make_full_case,
    make_keyed_staff,
    recovery_private_key,
    sign_in_with_keys,
)

PDF = b"%PDF-1.4\nshred-me-document\n%%EOF\n"


@pytest.fixture(autouse=True)
def data_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


def _finish(case: Case, *, state: str, days_ago: int) -> None:
    Case.objects.filter(pk=case.pk).update(
        state=state, state_changed_on=timezone.localdate() - datetime.timedelta(days=days_ago)
    )


def _full_case(owner: KeyedStaff, colleague: KeyedStaff) -> Case:
    return make_full_case(owner=owner, colleague=colleague, document=PDF, story="Shredded story")


def _every_envelope(case: Case) -> list[bytes]:
    case.refresh_from_db()
    envelopes = [bytes(copy.envelope) for copy in CaseGroupKey.objects.filter(case=case)]
    envelopes += [bytes(value) for value in (case.identity, case.narrative) if value]
    envelopes += [bytes(note.body) for note in case.notes.all()]
    envelopes += [bytes(member.identity) for member in case.household.all()]
    envelopes += [bytes(task.text) for task in case.tasks.all()]
    envelopes += [bytes(document.file_key) for document in case.documents.all()]
    return envelopes


@pytest.mark.django_db(transaction=True)
def test_a_finished_case_past_retention_is_shredded_by_the_worker_and_nothing_opens_it(
    data_dir: Path,
) -> None:
    # Given a closed case, 40 days past, with every kind of sealed content and two readers,
    # and a 30-day rule for closed cases
    organisation, recovery = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    colleague = make_keyed_staff(Role.ADMIN, organisation)
    case = _full_case(owner, colleague)
    document = CaseDocument.objects.get()
    assert document_path(document.public_id).exists()
    envelopes = _every_envelope(case)
    old_copies = list(CaseGroupKey.objects.filter(case=case))
    _finish(case, state="closed", days_ago=40)
    party_size = Case.objects.get(pk=case.pk).party_size
    RetentionRule.objects.create(organisation=organisation, state="closed", days=30)

    # When the daily task runs in the worker
    shred_cases_past_retention.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=StringIO())

    # Then the case, every wrapped key and every envelope are gone from the whole database
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not CaseGroupKey.objects.exists()
    dump = StringIO()
    call_command("dumpdata", "--all", stdout=dump)
    stored = dump.getvalue()
    assert all(base64.b64encode(envelope).decode() not in stored for envelope in envelopes)
    assert "Shredded story" not in stored
    # the encrypted file too
    assert not document_path(document.public_id).exists()
    assert not [path for path in (data_dir / "documents").rglob("*") if path.is_file()]
    # only the counts remain, and the audit says so
    tombstone = ShreddedCase.objects.get()
    assert (tombstone.code, tombstone.final_state, tombstone.party_size) == (
        case.code,
        "closed",
        party_size,
    )
    assert AuditEvent.objects.filter(action="case.shredded", object_ref=str(case.public_id))
    # and no key anyone holds finds anything to open: neither readers' nor recovery key
    recovery_key = recovery_private_key(recovery)
    for holder in (owner.key_pair.private_key, colleague.key_pair.private_key, recovery_key):
        openable = []
        for copy in CaseGroupKey.objects.all():
            try:
                unwrap_group_key(
                    envelope=bytes(copy.envelope),
                    private_key=holder,
                    case_id=str(case.public_id),
                    group=SensitiveGroup(copy.group),
                )
            except Exception:  # noqa: S112  # any failure means it does not open
                continue
            openable.append(copy)
        assert openable == []
    # (the copies held before shredding really were the ones these keys opened)
    assert any(copy.user_id == owner.user.pk for copy in old_copies)
    assert (
        sign_in_with_keys(Client(), owner)
        .get(reverse("cases:detail", kwargs={"case_id": case.public_id}))
        .status_code
        == 404
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "days_ago"),
    [("closed", 29), ("resettled", 400), ("travel_planned", 400)],
)
def test_cases_within_retention_without_a_rule_or_still_open_are_kept(
    state: str, days_ago: int
) -> None:
    organisation, _ = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=owner)
    _finish(case, state=state, days_ago=days_ago)
    RetentionRule.objects.create(organisation=organisation, state="closed", days=30)

    summary = do_shred_cases_past_retention()

    assert (summary.shredded, summary.blocked) == (0, 0)
    assert Case.objects.filter(pk=case.pk).exists()
    assert not ShreddedCase.objects.exists()


@pytest.mark.django_db
def test_hooks_of_other_apps_run_inside_the_shredding_transaction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[str] = []
    monkeypatch.setattr(case_shredding, "_SHREDDERS", {})
    monkeypatch.setattr(case_shredding, "_discovered", True)
    case_shredding.register_case_shredder("test.hook", lambda case: seen.append(case.code))
    organisation, _ = keyed_organisation()
    case = make_case(actor=make_keyed_staff(Role.CASEWORKER, organisation))
    _finish(case, state="declined", days_ago=10)
    RetentionRule.objects.create(organisation=organisation, state="declined", days=7)

    summary = do_shred_cases_past_retention()

    assert summary.shredded == 1
    assert seen == [case.code]


@pytest.mark.django_db
def test_a_referral_past_its_last_day_is_ended_by_the_daily_task() -> None:
    sender_organisation, _ = keyed_organisation()
    receiver_organisation, _ = keyed_organisation()
    Partnership.objects.create(organisation=sender_organisation, partner=receiver_organisation)
    Partnership.objects.create(organisation=receiver_organisation, partner=sender_organisation)
    sender = make_keyed_staff(Role.CASEWORKER, sender_organisation)
    receiver = make_keyed_staff(Role.CASEWORKER, receiver_organisation)
    case = make_case(actor=sender)
    referral = do_refer_case(
        actor=sender.user,
        key_pair=sender.key_pair,
        case=case,
        to_organisation=receiver_organisation,
        groups=[],
        consent=Consent(given_by="x", given_on=timezone.localdate(), how_obtained="y"),
        sender_keeps_access=True,
        expires_on=timezone.localdate(),
    )
    do_accept_referral(actor=receiver.user, key_pair=receiver.key_pair, referral=referral)
    CaseReferral.objects.filter(pk=referral.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )

    result = shred_cases_past_retention.call()

    assert result["referrals_ended"] == 1
    assert not CaseGroupKey.objects.filter(referral=referral).exists()
    assert not CaseGroupKey.objects.filter(user=receiver.user).exists()
    assert AuditEvent.objects.filter(action="case.referral_expired").count() == 2


@pytest.mark.django_db
def test_an_admin_sets_retention_rules_and_other_roles_change_nothing() -> None:
    organisation, _ = keyed_organisation()
    admin = make_keyed_staff(Role.ADMIN, organisation)
    caseworker = make_keyed_staff(Role.CASEWORKER, organisation)
    url = reverse("cases:retention", kwargs={"organisation_id": organisation.public_id})
    form = {"closed": "30", "resettled": "365", "declined": "", "withdrawn": "90"}

    refused = sign_in_with_keys(Client(), caseworker).post(url, form)
    assert refused.status_code == 403
    assert not RetentionRule.objects.exists()
    assert not AuditEvent.objects.filter(action="organisation.retention_rules_changed")

    saved = sign_in_with_keys(Client(), admin).post(url, form)

    assert saved.status_code == 302
    assert dict(RetentionRule.objects.values_list("state", "days")) == {
        "closed": 30,
        "resettled": 365,
        "withdrawn": 90,
    }
    assert AuditEvent.objects.filter(action="organisation.retention_rules_changed").count() == 1


@pytest.mark.django_db
def test_a_restored_backup_is_shredded_again_from_the_exported_list(tmp_path: Path) -> None:
    # Given a case shredded today, and its code exported to a file kept off the backups
    organisation, _ = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=owner)
    _finish(case, state="withdrawn", days_ago=100)
    RetentionRule.objects.create(organisation=organisation, state="withdrawn", days=30)
    do_shred_cases_past_retention()
    exported = StringIO()
    call_command("shred_list", "export", stdout=exported)
    shred_file = tmp_path / "shred-list.txt"
    shred_file.write_text(exported.getvalue())
    assert case.code in exported.getvalue()

    # When an older backup (with the case and its keys, without the tombstone) is restored
    ShreddedCase.objects.all().delete()
    restored = make_case(actor=owner)
    Case.objects.filter(pk=restored.pk).update(code=case.code)
    out = StringIO()
    call_command("shred_list", "apply", str(shred_file), stdout=out)

    # Then the restored case and every wrapped key of it are gone again
    assert "1 restored cases shredded again" in out.getvalue()
    assert not Case.objects.filter(code=case.code).exists()
    assert not CaseGroupKey.objects.filter(case_id=restored.pk).exists()
    assert ShreddedCase.objects.get().reason == "restored"


@pytest.mark.django_db
def test_encrypted_files_no_document_points_at_are_removed_after_a_day(data_dir: Path) -> None:
    # Given a stored document, an orphan file and a fresh upload in progress
    organisation, _ = keyed_organisation()
    owner = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=owner)
    response = sign_in_with_keys(Client(), owner).post(
        reverse("cases:upload_document", kwargs={"case_id": case.public_id}),
        {"document": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert response.status_code == 302
    kept = document_path(CaseDocument.objects.get().public_id)
    orphan = data_dir / "documents" / "00000000-0000-4000-8000-000000000001.sp"
    orphan.write_bytes(b"ciphertext")
    partial = data_dir / "documents" / "incoming" / "00000000-0000-4000-8000-000000000002.part"
    partial.parent.mkdir(exist_ok=True)
    partial.write_bytes(b"ciphertext")

    # When the clean-up runs now, and again two days later
    assert remove_orphan_document_files() == 0
    later = timezone.now() + datetime.timedelta(days=2)
    removed = remove_orphan_document_files(now=later)

    # Then only the orphan and the abandoned upload are gone
    assert removed == 2
    assert kept.exists()
    assert not orphan.exists()
    assert not partial.exists()

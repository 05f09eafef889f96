"""Retention rules and crypto-shredding (SR-12, issue 4 item 6).

Shredding a case deletes, in one transaction: every wrapped copy of every group key (users,
team, recovery, referrals), the case row and everything that cascades from it (field
envelopes, notes, household, transitions, tasks, documents, referrals, the intake app's
messages), after the hooks of ``cases.case_shredding`` ran; the encrypted document files go
right after the commit. What remains is a :class:`ShreddedCase` tombstone (counts only) and
the audit trail (public ids only). With no wrapped copy left, neither staff keys nor the
recovery key open any ciphertext that survives in older backups (see
``docs/security/encryption.md``; backups have a maximum age for that reason).

On SQLite the shredding connection turns on ``secure_delete`` (freed pages are zeroed)
and truncates the WAL after the commit, so the deleted envelopes do not linger in the file.
"""

import datetime
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.audit.actions import SYSTEM_ACTOR, record_audit_event
from safepassage.audit.models import AuditEvent
from safepassage.cases.case_shredding import case_shredders
from safepassage.cases.document_storage import document_path, documents_directory, remove_file
from safepassage.cases.lock_objects import lock_case
from safepassage.cases.models import (
    Case,
    CaseDocument,
    CaseGroupKey,
    RetentionRule,
    ShreddedCase,
    ShredReason,
)
from safepassage.organisations.models import Organisation

logger = logging.getLogger(__name__)


def do_set_retention_rules(
    *, actor: User, organisation: Organisation, days_by_state: Mapping[str, int | None]
) -> None:
    """Replace the organisation's rules: ``None`` keeps cases in that state indefinitely."""
    with transaction.atomic():
        RetentionRule.objects.filter(organisation=organisation).delete()
        RetentionRule.objects.bulk_create(
            RetentionRule(organisation=organisation, state=state, days=days)
            for state, days in sorted(days_by_state.items())
            if days is not None
        )
        record_audit_event(
            actor_ref=str(actor.public_id),
            action="organisation.retention_rules_changed",
            object_type="organisation",
            object_ref=str(organisation.public_id),
            organisation_ref=str(organisation.public_id),
        )


def _remove_document_files(document_ids: list[str]) -> None:
    for document_id in document_ids:
        remove_file(document_path(document_id))


def do_shred_case(*, case: Case, reason: ShredReason, today: datetime.date) -> ShreddedCase:
    """Crypto-shred one case (see the module docstring). Raises ``ProtectedError`` when
    another app's rows still hold it and no hook removed them; then nothing changes."""
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")
    with transaction.atomic():
        locked = lock_case(case=case)
        for shredder in case_shredders():
            shredder(locked)
        document_ids = [
            str(public_id) for public_id in locked.documents.values_list("public_id", flat=True)
        ]
        tombstone = ShreddedCase.objects.create(
            organisation_id=locked.organisation_id,
            code=locked.code,
            final_state=locked.state,
            final_state_on=locked.state_changed_on,
            shredded_on=today,
            reason=reason,
            party_size=locked.party_size,
            destination=locked.destination,
        )
        CaseGroupKey.objects.filter(case=locked).delete()
        case_ref, organisation_ref = str(locked.public_id), str(locked.organisation.public_id)
        locked.delete()
        record_audit_event(
            actor_ref=SYSTEM_ACTOR,
            action="case.shredded",
            object_type="case",
            object_ref=case_ref,
            organisation_ref=organisation_ref,
        )
        transaction.on_commit(lambda: _remove_document_files(document_ids))
    if sqlite and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return tombstone


def cases_past_retention(*, today: datetime.date) -> list[Case]:
    """Cases whose final state is older than their organisation's rule for it."""
    due: list[Case] = []
    for rule in RetentionRule.objects.order_by("organisation_id", "state"):
        due += list(
            Case.objects.filter(
                organisation_id=rule.organisation_id,
                state=rule.state,
                state_changed_on__lte=today - datetime.timedelta(days=rule.days),
            )
            .select_related("organisation")
            .order_by("pk")
        )
    return due


@dataclass(frozen=True, kw_only=True)
class ShredSummary:
    shredded: int
    blocked: int


def do_shred_cases_past_retention(*, today: datetime.date | None = None) -> ShredSummary:
    """Shred every case past retention, each in its own transaction (idempotent)."""
    day = today or timezone.localdate()
    shredded = blocked = 0
    for case in cases_past_retention(today=day):
        try:
            do_shred_case(case=case, reason=ShredReason.RETENTION, today=day)
        except ProtectedError:
            blocked += 1
        else:
            shredded += 1
    if blocked:
        logger.warning("retention: %d cases are still held by other records", blocked)
    return ShredSummary(shredded=shredded, blocked=blocked)


def shred_list() -> list[str]:
    """Codes of every shredded case, for keeping outside the backups (SR-12)."""
    return list(ShreddedCase.objects.order_by("code").values_list("code", flat=True))


def do_reapply_shred_list(*, codes: list[str], today: datetime.date | None = None) -> int:
    """After restoring a backup, shred again every case whose code is on the list kept from
    the newer database; returns how many were found and shredded (idempotent)."""
    day = today or timezone.localdate()
    shredded = 0
    for case in Case.objects.filter(code__in=codes).select_related("organisation").order_by("pk"):
        do_shred_case(case=case, reason=ShredReason.RESTORED, today=day)
        shredded += 1
    return shredded


MAX_BACKUP_AGE = datetime.timedelta(days=30)
"""The longest a backup of the database or the documents folder may be kept (SR-12): a
backup older than a shredding still holds that case's wrapped keys, which the recovery key
opens. ``docs/operator-guide.md`` ("Backups") asks operators to delete older ones."""


def restored_data_age(*, now: datetime.datetime | None = None) -> datetime.timedelta | None:
    """How old the database is, judged by its newest audit event (None when it has none):
    right after a restore, that is the age of the backup. The event ``safepassage restore``
    appends (``backup.restored``) is left out: it is as new as the restore itself."""
    newest: datetime.datetime | None = AuditEvent.objects.exclude(
        action="backup.restored"
    ).aggregate(newest=Max("occurred_at"))["newest"]
    if newest is None:
        return None
    return (now or timezone.now()) - newest


ORPHAN_AGE = datetime.timedelta(days=1)


def remove_orphan_document_files(*, now: datetime.datetime | None = None) -> int:
    """Delete encrypted files no document row points at, older than a day: uploads cut off
    by a crash, or files whose case was shredded just before a crash. Their file keys are
    gone, so this only frees space; returns how many."""
    moment = (now or timezone.now()).timestamp()
    directory = documents_directory()
    if not directory.exists():
        return 0
    known = {
        str(public_id) for public_id in CaseDocument.objects.values_list("public_id", flat=True)
    }
    removed = 0
    for path in [*directory.glob("*.sp"), *directory.glob("incoming/*.part")]:
        stored = path.suffix == ".sp" and path.stem in known
        if stored or moment - path.stat().st_mtime < ORPHAN_AGE.total_seconds():
            continue
        remove_file(path)
        removed += 1
    return removed

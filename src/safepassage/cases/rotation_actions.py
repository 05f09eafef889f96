"""Group-key rotation (SR-11): new key versions, every value re-sealed, old copies destroyed.

A case is rotated whole in one transaction, under its row lock: for each group the opener
holds, a new random key of the next version is drawn, every value sealed under the old
version (every column of ``cases.case_key_rotation``) is re-sealed under it, the new
version is wrapped for every holder still entitled to it (people on the case, the case
team, the recovery keys, a referral's receiving side), and only then every wrapped copy of
the old version is deleted. Readers always open the newest version they hold, so a case is
never left half-rotated (decision 0018).

The opener is a private key that opens the old copies: the organisation recovery key (the
``rotate-keys`` command) or a signed-in member's key pair (removing a colleague).
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from safepassage.audit.actions import record_audit_event
from safepassage.cases.case_key_rotation import SealedColumn, rotation_steps, sealed_columns
from safepassage.cases.lock_objects import lock_case
from safepassage.cases.models import (
    Case,
    CaseGroupKey,
    CaseMember,
    HolderKind,
    KeyRotation,
    KeyRotationCase,
    OrganisationKeyring,
    StaffKeyPair,
)
from safepassage.cases.sealing import case_key_id
from safepassage.core.crypto import (
    CryptoError,
    GroupKey,
    PrivateKey,
    PublicKey,
    SensitiveGroup,
    field_key_version,
    reseal_field,
    rotate_group_key,
    unwrap_group_key,
    wrap_group_key,
)
from safepassage.organisations.models import Organisation


@dataclass(kw_only=True)
class CaseRotation:
    """What rotating one case did (counts only; ``keys`` stays in memory, never printed)."""

    groups_rotated: int = 0
    values_resealed: int = 0
    copies_wrapped: int = 0
    copies_dropped: int = 0
    groups_without_key: list[SensitiveGroup] = field(default_factory=list)
    values_unreadable: int = 0
    keys: dict[SensitiveGroup, tuple[GroupKey, GroupKey]] = field(default_factory=dict, repr=False)
    """Old and new key of each rotated group, to re-seal a straggler later (same process)."""


def _holder_public_keys(*, case: Case, copies: Iterable[CaseGroupKey]) -> dict[bytes, PublicKey]:
    """Fingerprint → public key of every holder still entitled to a copy of the case's keys.

    People must be on the case, active, and still own the key pair the copy was made for;
    the team and recovery keys are those of the case's organisation and of each referral's
    receiving organisation.
    """
    organisation_ids = {case.organisation_id}
    organisation_ids |= {
        copy.referral.to_organisation_id for copy in copies if copy.referral is not None
    }
    holders: dict[bytes, PublicKey] = {}
    for keyring in OrganisationKeyring.objects.filter(organisation_id__in=organisation_ids):
        for raw in (keyring.recovery_public_key, keyring.team_public_key):
            if raw is not None:
                public = PublicKey(raw=bytes(raw))
                holders[public.fingerprint] = public
    members = CaseMember.objects.filter(case=case, user__is_active=True).values_list(
        "user_id", flat=True
    )
    for stored in StaffKeyPair.objects.filter(user_id__in=list(members)):
        public = PublicKey(raw=bytes(stored.public_key))
        holders[public.fingerprint] = public
    return holders


def _entitled(copy: CaseGroupKey, holders: Mapping[bytes, PublicKey]) -> PublicKey | None:
    public = holders.get(bytes(copy.recipient_fingerprint))
    if public is None:
        return None
    if copy.holder_kind == HolderKind.USER:
        # The fingerprint must be this user's own key pair, not a team or recovery key.
        stored = (
            None
            if copy.user_id is None
            else StaffKeyPair.objects.filter(user_id=copy.user_id).first()
        )
        if stored is None or PublicKey(raw=bytes(stored.public_key)) != public:
            return None
    return public


def _reseal_column(
    *, column: SealedColumn, case: Case, group: SensitiveGroup, old: GroupKey, new: GroupKey
) -> tuple[int, int]:
    """Re-seal the column's values of ``group`` from ``old`` to ``new``: (re-sealed, unreadable)."""
    resealed = unreadable = 0
    if column.group is not None and column.group is not group:
        return 0, 0
    for row in column.rows(case):
        envelope = bytes(getattr(row, column.column) or b"")
        if not envelope or column.group_of(row) is not group:
            continue
        try:
            version = field_key_version(envelope)
        except CryptoError:
            unreadable += 1
            continue
        if version == new.version:
            continue
        if version != old.version:
            unreadable += 1  # sealed under a version nobody holds any more
            continue
        try:
            sealed = reseal_field(
                old_key=old, new_key=new, context=column.context(row), envelope=envelope
            )
        except CryptoError:
            unreadable += 1
            continue
        type(row)._default_manager.filter(pk=row.pk).update(**{column.column: sealed})
        resealed += 1
    return resealed, unreadable


def _rotate_group(
    *,
    case: Case,
    group: SensitiveGroup,
    copies: list[CaseGroupKey],
    holders: Mapping[bytes, PublicKey],
    old: GroupKey,
    result: CaseRotation,
    keep_retired_for: bytes | None = None,
) -> None:
    new = rotate_group_key(key=old)
    for column in sealed_columns():
        resealed, unreadable = _reseal_column(
            column=column, case=case, group=group, old=old, new=new
        )
        result.values_resealed += resealed
        result.values_unreadable += unreadable
    wrapped: dict[bytes, CaseGroupKey] = {}
    for copy in copies:
        public = _entitled(copy, holders)
        if public is None or public.fingerprint in wrapped:
            continue
        wrapped[public.fingerprint] = CaseGroupKey(
            case=case,
            group=group.value,
            version=new.version,
            holder_kind=copy.holder_kind,
            user_id=copy.user_id,
            referral_id=copy.referral_id,
            recipient_fingerprint=public.fingerprint,
            envelope=wrap_group_key(key=new, recipient=public),
        )
    CaseGroupKey.objects.bulk_create(wrapped.values())
    # Only now, with every value re-sealed and the new version wrapped, the old version goes
    # (but for the opener's own copy when a run keeps it to re-seal stragglers later).
    retired = CaseGroupKey.objects.filter(case=case, group=group.value).exclude(version=new.version)
    if keep_retired_for is not None:
        retired = retired.exclude(version=old.version, recipient_fingerprint=keep_retired_for)
    retired.delete()
    result.copies_wrapped += len(wrapped)
    result.copies_dropped += len({bytes(copy.recipient_fingerprint) for copy in copies}) - len(
        wrapped
    )
    result.groups_rotated += 1
    result.keys[group] = (old, new)


def _open_latest(
    *, case: Case, group: SensitiveGroup, copies: list[CaseGroupKey], opener: PrivateKey
) -> GroupKey | None:
    fingerprint = opener.public_key().fingerprint
    latest = max(copy.version for copy in copies)
    for copy in copies:
        if copy.version == latest and bytes(copy.recipient_fingerprint) == fingerprint:
            try:
                return unwrap_group_key(
                    envelope=bytes(copy.envelope),
                    private_key=opener,
                    case_id=case_key_id(case),
                    group=group,
                )
            except CryptoError:
                return None
    return None


def do_rotate_case_keys(
    *,
    case: Case,
    opener: PrivateKey,
    actor_ref: str,
    groups: Iterable[SensitiveGroup] | None = None,
    keep_retired: bool = False,
) -> CaseRotation:
    """Rotate ``groups`` (default: every group the case has) of one case in one transaction.

    A group whose newest version ``opener`` cannot open is left as it is and listed in
    ``groups_without_key``. Audited as ``case.keys_rotated`` when anything was rotated.
    With ``keep_retired`` (a ``rotate-keys`` run), the opener's own copy of each retired
    version stays until the run re-seals stragglers (:func:`do_reseal_run_stragglers`); it
    opens nothing the opener could not open anyway.
    """
    keep_retired_for = opener.public_key().fingerprint if keep_retired else None
    wanted = set(SensitiveGroup) if groups is None else set(groups)
    result = CaseRotation()
    with transaction.atomic():
        locked = lock_case(case=case)
        all_copies = list(
            CaseGroupKey.objects.filter(case=locked).select_related("referral").order_by("pk")
        )
        holders = _holder_public_keys(case=locked, copies=all_copies)
        for group in SensitiveGroup:
            copies = [copy for copy in all_copies if copy.group == group.value]
            if group not in wanted or not copies:
                continue
            old = _open_latest(case=locked, group=group, copies=copies, opener=opener)
            if old is None:
                result.groups_without_key.append(group)
                continue
            _rotate_group(
                case=locked,
                group=group,
                copies=copies,
                holders=holders,
                old=old,
                result=result,
                keep_retired_for=keep_retired_for,
            )
        if result.groups_rotated:
            new_keys = {group: new for group, (_old, new) in result.keys.items()}
            for step in rotation_steps():
                result.values_resealed += step(locked, opener, new_keys)
            record_audit_event(
                actor_ref=actor_ref,
                action="case.keys_rotated",
                object_type="case",
                object_ref=str(locked.public_id),
                organisation_ref=str(locked.organisation.public_id),
            )
    return result


def do_reseal_stragglers(
    *, case: Case, keys: Mapping[SensitiveGroup, tuple[GroupKey, GroupKey]]
) -> int:
    """Re-seal values written under an old version just as the case was rotated.

    A request that opened its key before the rotation took the case lock may still store a
    value sealed under the old version afterwards; the rotating process keeps the old keys
    in memory and calls this once it has gone through every case. Returns how many.
    """
    resealed = 0
    if not Case.objects.filter(pk=case.pk).exists():
        return 0  # shredded since it was rotated
    with transaction.atomic():
        locked = lock_case(case=case)
        for group, (old, new) in keys.items():
            for column in sealed_columns():
                count, _unreadable = _reseal_column(
                    column=column, case=locked, group=group, old=old, new=new
                )
                resealed += count
    return resealed


def do_reseal_run_stragglers(*, run: KeyRotation, opener: PrivateKey) -> int:
    """Re-seal values written under a retired version of every case ``run`` has rotated,
    also in an earlier, interrupted invocation; then destroy the retired versions.

    A run keeps the opener's copy of each version it retires (``keep_retired``), so a value
    a request sealed under the old key just after the case was rotated still opens, even
    when the process that rotated the case is gone. Each case is one transaction under its
    row lock. Returns how many values were re-sealed.
    """
    fingerprint = opener.public_key().fingerprint
    resealed = 0
    done = KeyRotationCase.objects.filter(rotation=run).values("case_id")
    for case in Case.objects.filter(pk__in=done).select_related("organisation").order_by("pk"):
        with transaction.atomic():
            locked = lock_case(case=case)
            all_copies = list(CaseGroupKey.objects.filter(case=locked).order_by("pk"))
            for group in SensitiveGroup:
                copies = [copy for copy in all_copies if copy.group == group.value]
                if not copies:
                    continue
                current = _open_latest(case=locked, group=group, copies=copies, opener=opener)
                if current is None:
                    continue
                for copy in copies:
                    if copy.version >= current.version:
                        continue
                    if bytes(copy.recipient_fingerprint) == fingerprint:
                        resealed += _reseal_retired(
                            case=locked, group=group, copy=copy, opener=opener, current=current
                        )
                CaseGroupKey.objects.filter(
                    case=locked, group=group.value, version__lt=current.version
                ).delete()
    return resealed


def _reseal_retired(
    *, case: Case, group: SensitiveGroup, copy: CaseGroupKey, opener: PrivateKey, current: GroupKey
) -> int:
    try:
        retired = unwrap_group_key(
            envelope=bytes(copy.envelope),
            private_key=opener,
            case_id=case_key_id(case),
            group=group,
        )
    except CryptoError:
        return 0
    resealed = 0
    for column in sealed_columns():
        count, _unreadable = _reseal_column(
            column=column, case=case, group=group, old=retired, new=current
        )
        resealed += count
    return resealed


def queue_key_rotation(*, case: Case, actor_ref: str) -> KeyRotation:
    """Make the next ``rotate-keys`` of the case's organisation rotate ``case``.

    Opens a run for the organisation if none is open (the command resumes it) and takes
    the case off the run's done list if it was rotated in it already. Used when groups an
    exposed key could open cannot be rotated at once (no opener for them).
    """
    with transaction.atomic():
        run, _resumed = open_key_rotation(organisation=case.organisation, actor_ref=actor_ref)
        KeyRotationCase.objects.filter(rotation=run, case=case).delete()
    return run


def values_under_retired_versions(*, case: Case) -> int:
    """How many of the case's sealed values name a key version no wrapped copy holds."""
    current = dict(
        CaseGroupKey.objects.filter(case=case)
        .values("group")
        .annotate(latest=Max("version"))
        .values_list("group", "latest")
    )
    stale = 0
    for column in sealed_columns():
        for row in column.rows(case):
            envelope = bytes(getattr(row, column.column) or b"")
            if not envelope:
                continue
            try:
                version = field_key_version(envelope)
            except CryptoError:
                stale += 1
                continue
            if current.get(column.group_of(row).value) != version:
                stale += 1
    return stale


def zero_freed_pages() -> None:
    """On SQLite, have this connection zero the pages it frees (as shredding does), so the
    old wrapped copies and ciphertexts a rotation replaces do not linger in the file."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")


def truncate_write_ahead_log() -> None:
    """On SQLite, write the WAL back and truncate it, so replaced pages leave it too."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# Organisation-wide runs (the ``rotate-keys`` command).


def open_key_rotation(*, organisation: Organisation, actor_ref: str) -> tuple[KeyRotation, bool]:
    """The organisation's unfinished run, or a new one: ``(run, resumed)``."""
    with transaction.atomic():
        existing = (
            KeyRotation.objects.select_for_update()
            .filter(organisation=organisation, finished_on__isnull=True)
            .first()
        )
        if existing is not None:
            return existing, True
        run = KeyRotation.objects.create(organisation=organisation, started_on=timezone.localdate())
        record_audit_event(
            actor_ref=actor_ref,
            action="keys.rotation_started",
            object_type="key_rotation",
            object_ref=str(run.public_id),
            organisation_ref=str(organisation.public_id),
        )
    return run, False


def cases_to_rotate(*, run: KeyRotation) -> list[Case]:
    """The organisation's cases this run has not rotated yet, in primary-key order."""
    done = KeyRotationCase.objects.filter(rotation=run).values("case_id")
    return list(
        Case.objects.filter(organisation_id=run.organisation_id)
        .exclude(pk__in=done)
        .select_related("organisation")
        .order_by("pk")
    )


def count_rotated(*, run: KeyRotation) -> int:
    return KeyRotationCase.objects.filter(rotation=run).count()


def do_rotate_batch(
    *, run: KeyRotation, cases: list[Case], opener: PrivateKey, actor_ref: str
) -> dict[int, CaseRotation]:
    """Rotate ``cases`` and mark them done in one transaction (all or none of the batch)."""
    today = timezone.localdate()
    results: dict[int, CaseRotation] = {}
    with transaction.atomic():
        for case in cases:
            if KeyRotationCase.objects.filter(rotation=run, case=case).exists():
                continue
            if not Case.objects.filter(pk=case.pk).exists():
                continue  # shredded since the batch was listed
            results[case.pk] = do_rotate_case_keys(
                case=case, opener=opener, actor_ref=actor_ref, keep_retired=True
            )
            KeyRotationCase.objects.create(rotation=run, case=case, rotated_on=today)
    return results


def do_finish_key_rotation(
    *, run: KeyRotation, actor_ref: str, today: datetime.date | None = None
) -> None:
    """Close the run once every case is rotated; its case rows are no longer needed."""
    with transaction.atomic():
        locked = KeyRotation.objects.select_for_update().get(pk=run.pk)
        locked.finished_on = today or timezone.localdate()
        locked.save(update_fields=["finished_on"])
        KeyRotationCase.objects.filter(rotation=locked).delete()
        record_audit_event(
            actor_ref=actor_ref,
            action="keys.rotation_finished",
            object_type="key_rotation",
            object_ref=str(locked.public_id),
            organisation_ref=str(run.organisation.public_id),
        )

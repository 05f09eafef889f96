"""Sealing and opening a case's sensitive groups: the one place that builds field contexts.

Each sealed column holds one FIELD envelope whose plaintext is a small JSON object; the
context binds it to model, column and the row's public id, so it cannot be moved.
"""

import json
from collections.abc import Mapping

from safepassage.accounts.models import User
from safepassage.cases.errors import NoCaseKey
from safepassage.cases.models import Case, CaseGroupKey, CaseReferral, CaseTask, HolderKind
from safepassage.core.crypto import (
    CryptoError,
    FieldContext,
    GroupKey,
    KeyPair,
    SensitiveGroup,
    open_text,
    seal_text,
)
from safepassage.core.crypto import unwrap_group_key as core_unwrap_group_key

CASE_GROUPS: dict[str, SensitiveGroup] = {
    "identity": SensitiveGroup.IDENTITY,
    "contact": SensitiveGroup.CONTACT,
    "location": SensitiveGroup.LOCATION,
    "narrative": SensitiveGroup.NARRATIVE,
}
"""Sealed column of :class:`Case` → the group whose key seals it."""


def case_key_id(case: Case) -> str:
    return str(case.public_id)


def context(*, model: str, field: str, row_id: object) -> FieldContext:
    return FieldContext(model=model, field=field, row_id=str(row_id))


def task_context(task: CaseTask) -> FieldContext:
    """Where a task's text is sealed (narrative key)."""
    return context(model="cases.CaseTask", field="text", row_id=task.public_id)


def referral_consent_context(referral: CaseReferral) -> FieldContext:
    """Where a referral's consent record is sealed (narrative key)."""
    return context(model="cases.CaseReferral", field="consent", row_id=referral.public_id)


def seal_json(*, key: GroupKey, field_context: FieldContext, values: Mapping[str, str]) -> bytes:
    return seal_text(key=key, context=field_context, text=json.dumps(dict(values), sort_keys=True))


def open_json(*, key: GroupKey, field_context: FieldContext, envelope: bytes) -> dict[str, str]:
    loaded = json.loads(open_text(key=key, context=field_context, envelope=envelope))
    return {str(name): str(value) for name, value in loaded.items()}


def unwrap_user_group_key(
    *, case: Case, user: User, key_pair: KeyPair, group: SensitiveGroup
) -> GroupKey:
    """The group key of ``case`` from ``user``'s own wrapped copy; :class:`NoCaseKey` if none."""
    copy = (
        CaseGroupKey.objects.filter(
            case=case,
            group=group.value,
            holder_kind=HolderKind.USER,
            user=user,
            recipient_fingerprint=key_pair.public_key.fingerprint,
        )
        .order_by("-version")
        .first()
    )
    if copy is None:
        raise NoCaseKey
    try:
        return core_unwrap_group_key(
            envelope=bytes(copy.envelope),
            private_key=key_pair.private_key,
            case_id=case_key_id(case),
            group=group,
        )
    except CryptoError:
        raise NoCaseKey from None


def unwrap_user_group_keys(
    *, case: Case, user: User, key_pair: KeyPair
) -> dict[SensitiveGroup, GroupKey]:
    """Every group key of ``case`` that ``user`` holds (groups they lack are absent)."""
    keys: dict[SensitiveGroup, GroupKey] = {}
    for copy in CaseGroupKey.objects.filter(
        case=case,
        holder_kind=HolderKind.USER,
        user=user,
        recipient_fingerprint=key_pair.public_key.fingerprint,
    ).order_by("version"):
        group = SensitiveGroup(copy.group)
        try:
            keys[group] = core_unwrap_group_key(
                envelope=bytes(copy.envelope),
                private_key=key_pair.private_key,
                case_id=case_key_id(case),
                group=group,
            )
        except CryptoError:
            continue
    return keys

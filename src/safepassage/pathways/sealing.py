"""Seal pathway contacts and notes at rest with a server-held key (decision 0008).

Officials and NGO contacts are not applicants, but a seized database must not hand over who
an organisation talks to inside a ministry or an NGO (some work where that is dangerous),
nor what the talks say. Values are FIELD envelopes (``core.crypto``) under one key of the
``contact`` or ``narrative`` group, bound to model, field and the row's public id, so a
ciphertext moved to another row fails to open. The key comes from
``SAFEPASSAGE_PATHWAY_KEY`` (or, when unset, from ``SECRET_KEY``) and is never stored in the
database: a database copy or backup reveals nothing, the running server does.
"""

import hashlib
import json
import os
import uuid

from django.conf import settings

from safepassage.core.crypto import (
    DecryptionError,
    FieldContext,
    GroupKey,
    SensitiveGroup,
    open_text,
    seal_text,
)

PATHWAY_KEY_ENVIRONMENT_VARIABLE = "SAFEPASSAGE_PATHWAY_KEY"
_KEY_SCOPE = "pathways"


def _pathway_key(group: SensitiveGroup) -> GroupKey:
    material = os.environ.get(PATHWAY_KEY_ENVIRONMENT_VARIABLE) or str(settings.SECRET_KEY)
    secret = hashlib.blake2b(
        material.encode("utf-8"), digest_size=32, person=b"sp-pathway-seal"
    ).digest()
    return GroupKey(case_id=_KEY_SCOPE, group=group, version=1, secret=secret)


def seal_pathway_text(
    *, model: str, field: str, row_id: uuid.UUID, group: SensitiveGroup, text: str
) -> bytes:
    """Seal ``text`` for ``field`` of the ``model`` row with public id ``row_id``."""
    context = FieldContext(model=model, field=field, row_id=str(row_id))
    return seal_text(key=_pathway_key(group), context=context, text=text)


def open_pathway_text(
    *,
    model: str,
    field: str,
    row_id: uuid.UUID,
    group: SensitiveGroup,
    envelope: bytes | memoryview | None,
) -> str:
    """Open a value sealed by :func:`seal_pathway_text`; ``""`` when absent or unreadable."""
    if envelope is None:
        return ""
    try:
        return open_text(
            key=_pathway_key(group),
            context=FieldContext(model=model, field=field, row_id=str(row_id)),
            envelope=bytes(envelope),
        )
    except DecryptionError:
        return ""


def seal_contact_details(*, contact_id: uuid.UUID, details: dict[str, str]) -> bytes:
    return seal_pathway_text(
        model="pathways.PathwayContact",
        field="details",
        row_id=contact_id,
        group=SensitiveGroup.CONTACT,
        text=json.dumps(details, sort_keys=True),
    )


def open_contact_details(
    *, contact_id: uuid.UUID, envelope: bytes | memoryview | None
) -> dict[str, str]:
    text = open_pathway_text(
        model="pathways.PathwayContact",
        field="details",
        row_id=contact_id,
        group=SensitiveGroup.CONTACT,
        envelope=envelope,
    )
    if not text:
        return {}
    loaded = json.loads(text)
    return {str(key): str(value) for key, value in loaded.items()}


def seal_notes(*, model: str, row_id: uuid.UUID, text: str) -> bytes | None:
    """Seal free-text notes (narrative group); empty notes are stored as NULL."""
    if not text:
        return None
    return seal_pathway_text(
        model=model, field="notes", row_id=row_id, group=SensitiveGroup.NARRATIVE, text=text
    )


def open_notes(*, model: str, row_id: uuid.UUID, envelope: bytes | memoryview | None) -> str:
    return open_pathway_text(
        model=model,
        field="notes",
        row_id=row_id,
        group=SensitiveGroup.NARRATIVE,
        envelope=envelope,
    )

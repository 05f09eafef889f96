"""Writes of case documents (SR-09): store an encrypted upload, audit each download.

The upload handler (``cases.document_storage``) already wrote the file encrypted under a
fresh file key; storing it seals that key and the details under the case's documents key.
Audit events name the case only: never the file name, type or size.
"""

import os

from django.db import transaction
from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.cases.case_audit import record_case_event
from safepassage.cases.document_storage import (
    EncryptedUpload,
    document_path,
    incoming_path,
    remove_file,
)
from safepassage.cases.errors import (
    DocumentImageUnreadable,
    DocumentTooLarge,
    DocumentTypeRefused,
)
from safepassage.cases.models import Case, CaseDocument
from safepassage.cases.sealing import context, seal_json, unwrap_user_group_key
from safepassage.core.crypto import KeyPair, SensitiveGroup, seal_file_key

MAX_NAME_LENGTH = 200


def check_upload_document(*, upload: EncryptedUpload) -> None:
    if upload.problem == "too_large":
        raise DocumentTooLarge
    if upload.problem == "image":
        raise DocumentImageUnreadable
    if upload.problem is not None:
        raise DocumentTypeRefused


def do_upload_document(
    *, actor: User, key_pair: KeyPair, case: Case, upload: EncryptedUpload
) -> CaseDocument:
    """Store an encrypted upload as a document of ``case``. Assumes
    :func:`check_upload_document`; the caller discards the upload if this raises."""
    documents = unwrap_user_group_key(
        case=case, user=actor, key_pair=key_pair, group=SensitiveGroup.DOCUMENTS
    )
    document = CaseDocument(
        public_id=upload.document_id,
        case=case,
        uploaded_by=actor,
        uploaded_on=timezone.localdate(),
    )
    document.file_key = seal_file_key(
        group_key=documents,
        context=context(model="cases.CaseDocument", field="file_key", row_id=document.public_id),
        file_key=upload.file_key,
    )
    document.details = seal_json(
        key=documents,
        field_context=context(
            model="cases.CaseDocument", field="details", row_id=document.public_id
        ),
        values={
            "name": (upload.name or "document")[:MAX_NAME_LENGTH],
            "content_type": str(upload.content_type),
            "extension": upload.extension,
            "size": str(upload.size),
        },
    )
    with transaction.atomic():
        document.save()
        record_case_event(
            actor_ref=str(actor.public_id), action="case.document_uploaded", case=case
        )
        final = document_path(document.public_id)
        os.replace(incoming_path(document.public_id), final)
    return document


def do_record_document_download(*, actor: User, document: CaseDocument) -> None:
    """Audit that ``actor`` downloaded (decrypted) a document of the case."""
    with transaction.atomic():
        record_case_event(
            actor_ref=str(actor.public_id), action="case.document_downloaded", case=document.case
        )


def do_delete_document(*, actor: User, document: CaseDocument) -> None:
    """Delete a document: its row (sealed key and details) now, its encrypted file after the
    commit; without the file key nothing of it can be opened again."""
    document_id = document.public_id
    with transaction.atomic():
        CaseDocument.objects.filter(pk=document.pk).delete()
        record_case_event(
            actor_ref=str(actor.public_id), action="case.document_deleted", case=document.case
        )
        transaction.on_commit(lambda: remove_file(document_path(document_id)))

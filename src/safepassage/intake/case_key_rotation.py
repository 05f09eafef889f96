"""The intake app's sealed values and a case rotation (see ``cases.case_key_rotation``).

A filed message's ``case_copy`` is sealed under the case's narrative key and is re-sealed
on rotation. A message from the applicant not filed yet is a MESSAGE envelope to the
applicant, the people on the case when it arrived (or the case team) and the recovery key:
no group key opens it, so a person removed from the case could still open it with their
own key. The rotation's opener (the recovery key, or the remover's key when they received
the message) files it: sealed under the new narrative key, re-sealed for the applicant
alone, as a caseworker reading it would.
"""

from collections.abc import Mapping

from safepassage.cases.case_key_rotation import (
    SealedColumn,
    register_rotation_step,
    register_sealed_column,
    register_sealed_to_check,
)
from safepassage.cases.models import Case
from safepassage.core.crypto import (
    CryptoError,
    FieldContext,
    GroupKey,
    PrivateKey,
    PublicKey,
    SensitiveGroup,
    message_recipient_fingerprints,
    open_message,
    seal_message,
    seal_text,
)
from safepassage.intake.models import Applicant, Message

MESSAGE_MODEL = "intake.Message"

register_sealed_column(
    SealedColumn(model=Message, column="case_copy", group=SensitiveGroup.NARRATIVE)
)


def _context(message: Message, field: str) -> FieldContext:
    return FieldContext(model=MESSAGE_MODEL, field=field, row_id=str(message.public_id))


def file_unfiled_messages(
    case: Case, opener: PrivateKey, new_keys: Mapping[SensitiveGroup, GroupKey]
) -> int:
    """File every unfiled applicant message of ``case`` that ``opener`` opens; how many."""
    narrative = new_keys.get(SensitiveGroup.NARRATIVE)
    applicant = Applicant.objects.filter(case=case).first()
    if narrative is None or applicant is None:
        return 0
    filed = 0
    for message in Message.objects.filter(case=case, case_copy__isnull=True).order_by("pk"):
        try:
            body = open_message(
                envelope=bytes(message.applicant_copy),
                private_key=opener,
                context=_context(message, "applicant_copy"),
            )
        except CryptoError:
            continue
        Message.objects.filter(pk=message.pk).update(
            case_copy=seal_text(
                key=narrative,
                context=_context(message, "case_copy"),
                text=body.decode("utf-8", errors="replace"),
            ),
            applicant_copy=seal_message(
                recipients=[PublicKey(raw=bytes(applicant.public_key))],
                context=_context(message, "applicant_copy"),
                plaintext=body,
            ),
        )
        filed += 1
    return filed


register_rotation_step("intake.file_unfiled_messages", file_unfiled_messages)


def has_unfiled_message_for(case: Case, fingerprint: bytes) -> bool:
    """Is an unfiled applicant message of ``case`` still sealed to this key?"""
    for envelope in Message.objects.filter(case=case, case_copy__isnull=True).values_list(
        "applicant_copy", flat=True
    ):
        try:
            if fingerprint in message_recipient_fingerprints(bytes(envelope)):
                return True
        except CryptoError:
            continue
    return False


register_sealed_to_check("intake.unfiled_messages", has_unfiled_message_for)

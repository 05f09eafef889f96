"""Reads of the intake app: what the applicant may see (SR-18) and message summaries."""

import json
import uuid
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import User
from safepassage.cases.models import Case, CaseState, HolderKind
from safepassage.cases.models.case import TransitionActorKind
from safepassage.cases.sealing import context
from safepassage.core import case_workflow
from safepassage.core.crypto import CryptoError, KeyPair, SensitiveGroup, open_message
from safepassage.core.crypto.errors import DecryptionError
from safepassage.core.crypto.keys import aead_decrypt
from safepassage.intake.models import Applicant, Direction, Message, SubmissionReceipt
from safepassage.intake.submission_tokens import SubmissionToken
from safepassage.organisations.models import Organisation, OrganisationKind

MESSAGE_MODEL = "intake.Message"
RECEIPT_LABEL = b"safepassage.intake.submission-receipt:"


def receipt_associated_data(*, submission: SubmissionToken) -> bytes:
    """Binds an encrypted receipt to its row's digest, so it cannot be moved to another."""
    return RECEIPT_LABEL + submission.digest.encode("ascii")


@dataclass(frozen=True, kw_only=True)
class SentRequest:
    """A form already sent with this token. ``codename`` and ``case_code`` are what its first
    answer showed, or both empty once that answer has been erased (after 15 minutes)."""

    codename: str = field(default="", repr=False)
    case_code: str = ""


def find_sent_request(*, submission: SubmissionToken) -> SentRequest | None:
    """The request this token already sent, opened with the token's key; None if unsent."""
    row = SubmissionReceipt.objects.filter(token_digest=submission.digest).first()
    if row is None:
        return None
    if row.response is None or row.response_until <= timezone.now():
        return SentRequest()
    try:
        plaintext = aead_decrypt(
            key=submission.key,
            sealed=bytes(row.response),
            associated_data=receipt_associated_data(submission=submission),
        )
    except DecryptionError:
        return SentRequest()
    values = json.loads(plaintext)
    return SentRequest(codename=values["codename"], case_code=values["case_code"])


@dataclass(frozen=True, kw_only=True)
class OpenedMessage:
    """One message as its reader sees it; ``body`` is None when the reader's keys cannot
    open it. ``author`` is a staff display name for staff readers, empty for the applicant."""

    public_id: str
    direction: str
    sent_on: date
    author: str
    body: str | None = field(repr=False)


APPLICANT_STATUS: dict[str, Promise] = {
    CaseState.NEW: _("We have received your request. Someone will read it soon."),
    CaseState.TRIAGED: _("Your request is being reviewed."),
    CaseState.VETTING: _("Your request is being reviewed."),
    CaseState.APPROVED: _("We can help you. We are preparing the next steps."),
    CaseState.DOCUMENTS_VISA: _("We are working on documents and visas with you."),
    CaseState.TRAVEL_PLANNED: _("Your journey is being arranged. Watch for our messages."),
    CaseState.TICKETED: _("Your journey is booked. Watch for our messages."),
    CaseState.DEPARTED: _("Your journey has started."),
    CaseState.ARRIVED: _("You have arrived. We will keep helping you settle."),
    CaseState.RESETTLED: _("Your case is complete. We wish you well."),
    CaseState.DECLINED: _("We cannot help with this request. Read our messages for other options."),
    CaseState.WITHDRAWN: _(
        "This request was withdrawn. You can still write to us here. If you need help again, "
        "send a new request."
    ),
    CaseState.CLOSED: _("This request is closed."),
}
"""Applicant-safe words for each state: no staff names, counts or queue positions (SR-18)."""


def applicant_status(*, case: Case) -> Promise:
    return APPLICANT_STATUS.get(case.state, APPLICANT_STATUS[CaseState.TRIAGED])


def can_withdraw(*, case: Case) -> bool:
    """Whether the applicant may still withdraw the request themselves."""
    return case_workflow.CaseState.WITHDRAWN in case_workflow.available_targets(
        source=case_workflow.CaseState(case.state), roles=[case_workflow.APPLICANT]
    )


def withdrawn_by_applicant(*, case: Case) -> bool:
    """Withdrawn, and the last move to withdrawn was the applicant's (its history row says
    so; ``CaseTransition.actor_kind``)."""
    if case.state != CaseState.WITHDRAWN:
        return False
    last = case.transitions.filter(target=CaseState.WITHDRAWN).order_by("-made_on", "-pk").first()
    return last is not None and last.actor_kind == TransitionActorKind.APPLICANT


def list_applicant_messages(*, applicant: Applicant, key_pair: KeyPair) -> list[OpenedMessage]:
    """Both directions, oldest first, opened with the applicant's own key; no staff names."""
    opened = []
    for message in Message.objects.filter(case=applicant.case).order_by("pk"):
        try:
            body: str | None = open_message(
                envelope=bytes(message.applicant_copy),
                private_key=key_pair.private_key,
                context=context(
                    model=MESSAGE_MODEL, field="applicant_copy", row_id=message.public_id
                ),
            ).decode("utf-8")
        except (CryptoError, UnicodeDecodeError):
            body = None
        opened.append(
            OpenedMessage(
                public_id=str(message.public_id),
                direction=message.direction,
                sent_on=message.sent_on,
                author="",
                body=body,
            )
        )
    return opened


def has_unfiled_messages(*, case: Case) -> bool:
    """Whether the applicant wrote something no caseworker has read yet (SR-18: says no more)."""
    return Message.objects.filter(
        case=case, direction=Direction.FROM_APPLICANT, case_copy__isnull=True
    ).exists()


def has_applicant(*, case: Case) -> bool:
    return Applicant.objects.filter(case=case).exists()


def list_notice_recipient_ids(*, case: Case) -> list[str]:
    """Public ids of the active staff who read the applicant's messages: everyone on the case
    holding its narrative key, or, while nobody has taken it, the case team's key holders
    (the same people ``actions._staff_recipients`` seals a message to)."""
    readers = User.objects.filter(
        is_active=True,
        case_group_keys__case=case,
        case_group_keys__group=SensitiveGroup.NARRATIVE.value,
        case_group_keys__holder_kind=HolderKind.USER,
    )
    if not readers.exists():
        readers = User.objects.filter(
            is_active=True, team_key_copies__organisation=case.organisation
        )
    return [
        str(public_id)
        for public_id in readers.distinct().order_by("pk").values_list("public_id", flat=True)
    ]


def list_intake_organisations() -> list[Organisation]:
    """Case organisations that can receive intakes: both public keys set."""
    return list(
        Organisation.objects.filter(
            kind=OrganisationKind.CASE_ORGANISATION,
            keyring__isnull=False,
            keyring__team_public_key__isnull=False,
        ).order_by("name")
    )


def get_intake_organisation(*, organisation_id: uuid.UUID) -> Organisation | None:
    """One of :func:`list_intake_organisations` by public id, or None."""
    return next(
        (item for item in list_intake_organisations() if item.public_id == organisation_id),
        None,
    )

"""Every write of the intake app. Each ``do_*`` runs in one transaction with its audit event.

- :func:`do_submit_intake`: seal a request to the organisation's case-team and recovery
  public keys (the server needs no secret, SR-05), store it as a new case and create the
  applicant with a fresh codename, which is returned once and never stored.
- :func:`check_sign_in_applicant`: codename and case code to the applicant's key pair; every
  failure is the same error after the same Argon2id work (SR-15).
- :func:`do_send_applicant_message` / :func:`do_send_staff_message`: messages both ways; an
  applicant's message (or withdrawal) queues a content-free e-mail notice to the caseworkers,
  at most one per case per hour.
- :func:`do_withdraw_request`: the applicant withdraws their own request (case state
  machine, applicant actor).
- :func:`do_read_case_messages`: a caseworker opens the messages and files the applicant's
  new ones under the case's narrative key, so colleagues put on the case later read them.

Audit events carry ids and action names only (SR-30); the applicant's actor reference is the
word ``applicant``, never an id derived from the codename.
"""

import contextlib
import datetime
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.cases.actions import (
    CODE_LENGTH,
    WorkflowFields,
    check_applicant_transition,
    do_applicant_transition,
    do_create_case_from_intake,
)
from safepassage.cases.case_audit import record_case_event
from safepassage.cases.errors import TransitionRefused
from safepassage.cases.key_actions import team_id
from safepassage.cases.models import (
    Case,
    CaseState,
    HolderKind,
    OrganisationKeyring,
    Priority,
    Risk,
    StaffKeyPair,
    TeamKeyCopy,
)
from safepassage.cases.sealing import context, unwrap_user_group_key
from safepassage.core import case_workflow
from safepassage.core.crypto import (
    CodenameSecrets,
    CryptoError,
    IntakeValue,
    KeyPair,
    PrivateKey,
    PublicKey,
    SensitiveGroup,
    create_applicant_keys,
    generate_codename,
    generate_key_pair,
    open_message,
    open_text,
    seal_intake,
    seal_message,
    seal_text,
    unwrap_applicant_key_pair,
    unwrap_team_key,
)
from safepassage.core.crypto.keys import aead_encrypt
from safepassage.intake.codename_keys import derive_secrets
from safepassage.intake.errors import (
    IntakeUnavailable,
    NoApplicant,
    SignInRefused,
    SubmissionTokenRefused,
    WithdrawalRefused,
)
from safepassage.intake.models import Applicant, Direction, Message, SubmissionReceipt
from safepassage.intake.selectors import (
    OpenedMessage,
    SentRequest,
    find_sent_request,
    list_notice_recipient_ids,
    receipt_associated_data,
)
from safepassage.intake.submission_tokens import MAX_AGE as TOKEN_MAX_AGE
from safepassage.intake.submission_tokens import SubmissionToken
from safepassage.intake.tasks import send_attention_notice
from safepassage.intake.wordlists import WordListName, load_word_list
from safepassage.organisations.models import Organisation
from safepassage.site.models import RateLimitCounter
from safepassage.site.rate_limits import EPOCH

APPLICANT_ACTOR = "applicant"
MESSAGE_MODEL = "intake.Message"
MAX_CODENAME_LENGTH = 500
NOTICE_SCOPE = "intake-notice"
NOTICE_INTERVAL = datetime.timedelta(hours=1)
_NOTICE_KEY_LABEL = b"safepassage.intake.notice"
RECEIPT_SHOWN_FOR = datetime.timedelta(minutes=15)
"""How long a second send of the same form shows the codename again (decision 0026)."""


class Urgency:
    """How soon the applicant must leave, as the clear priority of the case (SR-02)."""

    IMMEDIATE = "immediate"
    DAYS = "days"
    WEEKS = "weeks"
    LATER = "later"

    PRIORITIES = {
        IMMEDIATE: Priority.URGENT,
        DAYS: Priority.HIGH,
        WEEKS: Priority.NORMAL,
        LATER: Priority.LOW,
    }


@dataclass(frozen=True, kw_only=True)
class IntakeAnswers:
    """What the intake form asks; everything but party size and urgency is sealed."""

    name: str = field(default="", repr=False)
    contact: str = field(repr=False)
    location: str = field(repr=False)
    travelling_with: str = field(default="", repr=False)
    story: str = field(repr=False)
    party_size: int = 1
    urgency: str = Urgency.WEEKS

    def groups(self) -> dict[str, tuple[SensitiveGroup, dict[str, str]]]:
        """Sealed column of ``cases.Case`` → its group and the JSON object it holds."""
        return {
            "identity": (
                SensitiveGroup.IDENTITY,
                {
                    "full_name": self.name,
                    "other_names": "",
                    "travelling_with": self.travelling_with,
                },
            ),
            "contact": (SensitiveGroup.CONTACT, {"contact": self.contact}),
            "location": (SensitiveGroup.LOCATION, {"current_location": self.location}),
            "narrative": (SensitiveGroup.NARRATIVE, {"story": self.story}),
        }


@dataclass(frozen=True, kw_only=True)
class IntakeReceipt:
    """Shown once to the applicant, then forgotten: the codename is stored nowhere."""

    codename: str = field(repr=False)
    case_code: str


def _public_keys(organisation: Organisation) -> tuple[PublicKey, PublicKey]:
    keyring = OrganisationKeyring.objects.filter(organisation=organisation).first()
    if keyring is None or keyring.team_public_key is None:
        raise IntakeUnavailable
    return (
        PublicKey(raw=bytes(keyring.team_public_key)),
        PublicKey(raw=bytes(keyring.recovery_public_key)),
    )


def check_submit_intake(*, organisation: Organisation) -> None:
    """The organisation can receive intakes: it has a recovery key and a case-team key."""
    _public_keys(organisation)


def do_submit_intake(
    *,
    organisation: Organisation,
    answers: IntakeAnswers,
    word_list: WordListName,
    submission: SubmissionToken | None = None,
) -> IntakeReceipt:
    """Seal ``answers`` to public keys, open a new case, create the applicant.

    Runs in the request, never in a task (no plaintext in the queue). One Argon2id run
    derives the lookup id and codename key from the new codename. With ``submission`` the
    receipt is also stored, encrypted under the token's key, in the same transaction: a
    second transaction with the same token fails on its unique digest and rolls back whole.
    """
    team, recovery = _public_keys(organisation)
    case_id = str(uuid.uuid4())
    sealed = seal_intake(
        case_id=case_id,
        values=[
            IntakeValue(
                group=group,
                context=context(model="cases.Case", field=column, row_id=case_id),
                plaintext=json.dumps(values, sort_keys=True).encode("utf-8"),
            )
            for column, (group, values) in answers.groups().items()
        ],
        team_public_key=team,
        recovery_public_key=recovery,
    )
    codename = generate_codename(word_list=load_word_list(word_list))
    secrets = derive_secrets(codename=codename)
    applicant_keys = create_applicant_keys(codename_secrets=secrets)
    with transaction.atomic():
        case = do_create_case_from_intake(
            organisation=organisation,
            sealed=sealed,
            workflow=WorkflowFields(
                priority=Urgency.PRIORITIES.get(answers.urgency, Priority.NORMAL),
                risk=Risk.MEDIUM,
            ),
        )
        if answers.party_size != case.party_size:
            case.party_size = answers.party_size
            case.save(update_fields=["party_size"])
        Applicant.objects.create(
            case=case,
            lookup_id=secrets.lookup_id,
            public_key=applicant_keys.public_key.raw,
            private_key_envelope=applicant_keys.private_key_envelope,
        )
        record_case_event(actor_ref=APPLICANT_ACTOR, action="intake.submitted", case=case)
        receipt = IntakeReceipt(codename=codename, case_code=case.code)
        if submission is not None:
            _store_receipt(submission=submission, receipt=receipt)
    return receipt


def _store_receipt(*, submission: SubmissionToken, receipt: IntakeReceipt) -> None:
    now = timezone.now()
    plaintext = json.dumps({"codename": receipt.codename, "case_code": receipt.case_code})
    # The row outlives its token's last valid moment, so a token that is still accepted is
    # never sent twice; rounded up to the hour, it does not tell when the form was opened.
    last_use = max(submission.issued_at + TOKEN_MAX_AGE, now + RECEIPT_SHOWN_FOR)
    expires_at = last_use.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
    SubmissionReceipt.objects.create(
        token_digest=submission.digest,
        response=aead_encrypt(
            key=submission.key,
            plaintext=plaintext.encode("utf-8"),
            associated_data=receipt_associated_data(submission=submission),
        ),
        response_until=now + RECEIPT_SHOWN_FOR,
        expires_at=expires_at,
    )


def do_submit_intake_once(
    *,
    organisation: Organisation,
    answers: IntakeAnswers,
    word_list: WordListName,
    submission: SubmissionToken,
) -> IntakeReceipt | SentRequest:
    """Submit the form unless this token already did; then answer what the first one did.

    A token older than its lifetime is looked up (its row outlives it) but sends nothing new.

    Two concurrent sends both do the work, but only the first to commit keeps its case: the
    other's insert of the same digest fails and its whole transaction (case, applicant,
    audit event) rolls back, after which the first one's receipt is read.
    """
    delete_expired_submission_receipts()
    if (sent := find_sent_request(submission=submission)) is not None:
        return sent
    if submission.issued_at + TOKEN_MAX_AGE < timezone.now():
        raise SubmissionTokenRefused
    try:
        return do_submit_intake(
            organisation=organisation, answers=answers, word_list=word_list, submission=submission
        )
    except IntegrityError:
        if (sent := find_sent_request(submission=submission)) is None:
            raise
        return sent


def delete_expired_submission_receipts(*, now: datetime.datetime | None = None) -> int:
    """Erase receipts shown long enough and delete rows whose token can no longer be sent."""
    now = now or timezone.now()
    SubmissionReceipt.objects.filter(response_until__lte=now, response__isnull=False).update(
        response=None
    )
    deleted, _ = SubmissionReceipt.objects.filter(expires_at__lte=now).delete()
    return deleted


# An envelope no codename opens: a failed lookup unwraps it so that unknown and wrong
# codenames cost the same work (SR-15).
_DECOY_ENVELOPE = create_applicant_keys(
    codename_secrets=CodenameSecrets(lookup_id="", key=generate_key_pair().private_key.raw)
).private_key_envelope


CYRILLIC_LOOKALIKES = str.maketrans(
    "\u0410\u0412\u0421\u0415\u041d\u041a\u041c\u041e\u0420\u0422\u0425\u0423",
    "ABCEHKMOPTXY",
)
"""The Cyrillic capitals A, VE, ES, IE, EN, KA, EM, O, ER, TE, HA and U, which look like the
code's Latin letters: typed on a Russian keyboard layout they are meant as the Latin ones."""


def normalise_case_code(text: str) -> str:
    """The code as stored (``K7QM-4ZX9-RT``) from what the applicant typed: any letter case,
    with dashes, spaces or nothing between the groups (written down on paper, it loses its
    dashes easily), Cyrillic look-alike letters read as the Latin ones."""
    raw = "".join(character for character in text if character.isalnum()).upper()
    raw = raw.translate(CYRILLIC_LOOKALIKES)
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == CODE_LENGTH else raw


def check_sign_in_applicant(*, codename: str, case_code: str) -> tuple[Applicant, KeyPair]:
    """The applicant whose codename and case code these are, with their key pair.

    Unknown codename, wrong codename, wrong case code and an empty codename all raise the same
    :class:`SignInRefused` after the same work: one Argon2id run and one unwrap.
    """
    try:
        secrets = derive_secrets(codename=codename[:MAX_CODENAME_LENGTH] or "-")
    except CryptoError:
        raise SignInRefused from None
    applicant = Applicant.objects.select_related("case").filter(lookup_id=secrets.lookup_id).first()
    envelope = bytes(applicant.private_key_envelope) if applicant is not None else _DECOY_ENVELOPE
    try:
        key_pair = unwrap_applicant_key_pair(envelope=envelope, codename_secrets=secrets)
    except CryptoError:
        raise SignInRefused from None
    if applicant is None or applicant.case.code != normalise_case_code(case_code):
        raise SignInRefused
    return applicant, key_pair


def _staff_recipients(case: Case) -> list[PublicKey]:
    """Who reads an applicant's message besides the applicant: everyone on the case holding
    its narrative key, or the case team while nobody has taken it; and the recovery key."""
    keyring = OrganisationKeyring.objects.get(organisation=case.organisation)
    readers = list(
        StaffKeyPair.objects.filter(
            user__case_group_keys__case=case,
            user__case_group_keys__group=SensitiveGroup.NARRATIVE.value,
            user__case_group_keys__holder_kind=HolderKind.USER,
        )
        .distinct()
        .order_by("pk")
    )
    recipients = [PublicKey(raw=bytes(reader.public_key)) for reader in readers]
    if not recipients and keyring.team_public_key is not None:
        recipients.append(PublicKey(raw=bytes(keyring.team_public_key)))
    recipients.append(PublicKey(raw=bytes(keyring.recovery_public_key)))
    return recipients


def _notice_digest(case: Case) -> str:
    """An HMAC of the case's public id, so the counter row names no case in clear."""
    key = hmac.new(settings.SECRET_KEY.encode(), _NOTICE_KEY_LABEL, hashlib.sha256).digest()
    return hmac.new(key, str(case.public_id).encode(), hashlib.sha256).hexdigest()


def _claim_notice(*, case: Case) -> bool:
    """True at most once per case per :data:`NOTICE_INTERVAL` (no flooding the caseworkers).

    A short-lived ``site.RateLimitCounter`` row, unique per scope and digest, is the claim:
    inserting it twice fails, so two applicant messages at once send one notice; it expires
    after the interval and is deleted, so no lasting record of when the applicant wrote stays.
    Runs inside the caller's transaction: a rolled-back message claims nothing.
    """
    now = timezone.now()
    RateLimitCounter.objects.filter(scope=NOTICE_SCOPE, expires_at__lte=now).delete()
    try:
        with transaction.atomic():
            RateLimitCounter.objects.create(
                scope=NOTICE_SCOPE,
                client_digest=_notice_digest(case),
                window_start=EPOCH,
                expires_at=now + NOTICE_INTERVAL,
                hits=1,
            )
    except IntegrityError:
        return False
    return True


def _notify_case_team(*, case: Case) -> None:
    """Queue, on commit, a content-free notice to whoever can read the applicant's messages
    (the people on the case, or the case team before anyone took it), at most hourly."""
    recipients = list_notice_recipient_ids(case=case)
    if recipients and _claim_notice(case=case):
        transaction.on_commit(partial(send_attention_notice.enqueue, user_ids=recipients))


def _seal_applicant_message(*, applicant: Applicant, body: str) -> Message:
    """An unsaved message from the applicant, sealed to public keys only."""
    message = Message(
        case=applicant.case, direction=Direction.FROM_APPLICANT, sent_on=timezone.localdate()
    )
    message.applicant_copy = seal_message(
        recipients=[PublicKey(raw=bytes(applicant.public_key)), *_staff_recipients(applicant.case)],
        context=context(model=MESSAGE_MODEL, field="applicant_copy", row_id=message.public_id),
        plaintext=body.encode("utf-8"),
    )
    return message


def do_send_applicant_message(*, applicant: Applicant, body: str) -> Message:
    """A message from the applicant, sealed to public keys only (the server holds no key)."""
    case = applicant.case
    message = _seal_applicant_message(applicant=applicant, body=body)
    with transaction.atomic():
        message.save()
        record_case_event(
            actor_ref=APPLICANT_ACTOR, action="case.applicant_message_received", case=case
        )
        _notify_case_team(case=case)
    return message


def check_withdraw_request(*, case: Case) -> None:
    """The applicant may withdraw ``case`` in its state (before travel is planned)."""
    try:
        check_applicant_transition(
            case=case,
            target=CaseState.WITHDRAWN,
            reason_code=case_workflow.ReasonCode.APPLICANT_WITHDREW,
        )
    except TransitionRefused:
        raise WithdrawalRefused from None


def do_withdraw_request(*, applicant: Applicant, note: str = "") -> Case:
    """Move the applicant's case to *withdrawn* through the cases app's applicant move: a
    history row saying "the applicant" with a coded reason (nothing they wrote), audited as
    ``case.state.withdrawn`` by the ``applicant`` actor; the caseworkers get a notice. A
    ``note`` becomes an ordinary message from the applicant, sealed like any other, in the
    same transaction.

    The move re-checks under the case row lock, so a concurrent staff move cannot be
    overtaken; a refusal writes nothing (no move, no message, no notice).
    """
    message = _seal_applicant_message(applicant=applicant, body=note) if note.strip() else None
    with transaction.atomic():
        try:
            do_applicant_transition(
                case=applicant.case,
                target=CaseState.WITHDRAWN,
                reason_code=case_workflow.ReasonCode.APPLICANT_WITHDREW,
                actor_ref=APPLICANT_ACTOR,
            )
        except TransitionRefused:
            raise WithdrawalRefused from None
        case = applicant.case
        if message is not None:
            message.save()
            record_case_event(
                actor_ref=APPLICANT_ACTOR, action="case.applicant_message_received", case=case
            )
        _notify_case_team(case=case)
    return case


def check_send_staff_message(*, case: Case) -> Applicant:
    applicant = Applicant.objects.filter(case=case).first()
    if applicant is None:
        raise NoApplicant
    return applicant


def _seal_for_applicant(*, applicant: Applicant, message: Message, body: str) -> bytes:
    return seal_message(
        recipients=[PublicKey(raw=bytes(applicant.public_key))],
        context=context(model=MESSAGE_MODEL, field="applicant_copy", row_id=message.public_id),
        plaintext=body.encode("utf-8"),
    )


def do_send_staff_message(*, actor: User, key_pair: KeyPair, case: Case, body: str) -> Message:
    """A reply to the applicant: sealed to the applicant's public key and, for the people on
    the case, under the case's narrative key (which the recovery key also holds)."""
    applicant = check_send_staff_message(case=case)
    narrative = unwrap_user_group_key(
        case=case, user=actor, key_pair=key_pair, group=SensitiveGroup.NARRATIVE
    )
    message = Message(
        case=case, direction=Direction.TO_APPLICANT, author=actor, sent_on=timezone.localdate()
    )
    message.applicant_copy = _seal_for_applicant(applicant=applicant, message=message, body=body)
    message.case_copy = seal_text(
        key=narrative,
        context=context(model=MESSAGE_MODEL, field="case_copy", row_id=message.public_id),
        text=body,
    )
    with transaction.atomic():
        message.save()
        record_case_event(actor_ref=str(actor.public_id), action="case.message_sent", case=case)
    return message


def _private_keys(*, actor: User, key_pair: KeyPair, case: Case) -> list[PrivateKey]:
    """The actor's own private key, then the case team's if the actor holds it."""
    keys = [key_pair.private_key]
    copy = TeamKeyCopy.objects.filter(organisation=case.organisation, user=actor).first()
    keyring = OrganisationKeyring.objects.filter(organisation=case.organisation).first()
    if copy is not None and keyring is not None and keyring.team_public_key is not None:
        with contextlib.suppress(CryptoError):
            keys.append(
                unwrap_team_key(
                    envelope=bytes(copy.envelope),
                    member_private_key=key_pair.private_key,
                    team_id=team_id(case.organisation),
                    team_public_key=PublicKey(raw=bytes(keyring.team_public_key)),
                ).private_key
            )
    return keys


def _open_inbox_copy(*, message: Message, keys: list[PrivateKey]) -> str | None:
    for private_key in keys:
        try:
            return open_message(
                envelope=bytes(message.applicant_copy),
                private_key=private_key,
                context=context(
                    model=MESSAGE_MODEL, field="applicant_copy", row_id=message.public_id
                ),
            ).decode("utf-8")
        except (CryptoError, UnicodeDecodeError):
            continue
    return None


def do_read_case_messages(*, actor: User, key_pair: KeyPair, case: Case) -> list[OpenedMessage]:
    """Open the case's messages for a caseworker on it; audited as ``case.messages_viewed``.

    A message from the applicant not yet filed is opened with the reader's private key (or
    the team key for one sent before anyone took the case), then filed: sealed under the
    narrative key and re-sealed for the applicant alone, so its public-key copies for staff
    are gone and whoever is put on the case later reads it with the case keys.
    """
    narrative = unwrap_user_group_key(
        case=case, user=actor, key_pair=key_pair, group=SensitiveGroup.NARRATIVE
    )
    applicant = Applicant.objects.filter(case=case).first()
    messages = list(case.applicant_messages.select_related("author").order_by("pk"))
    keys: list[PrivateKey] | None = None
    filed: list[Message] = []
    opened: list[OpenedMessage] = []
    for message in messages:
        body: str | None
        if message.case_copy is not None:
            try:
                body = open_text(
                    key=narrative,
                    context=context(
                        model=MESSAGE_MODEL, field="case_copy", row_id=message.public_id
                    ),
                    envelope=bytes(message.case_copy),
                )
            except CryptoError:
                body = None
        else:
            keys = (
                keys
                if keys is not None
                else _private_keys(actor=actor, key_pair=key_pair, case=case)
            )
            body = _open_inbox_copy(message=message, keys=keys)
            if body is not None and applicant is not None:
                message.case_copy = seal_text(
                    key=narrative,
                    context=context(
                        model=MESSAGE_MODEL, field="case_copy", row_id=message.public_id
                    ),
                    text=body,
                )
                message.applicant_copy = _seal_for_applicant(
                    applicant=applicant, message=message, body=body
                )
                filed.append(message)
        opened.append(
            OpenedMessage(
                public_id=str(message.public_id),
                direction=message.direction,
                sent_on=message.sent_on,
                author=message.author.display_name if message.author is not None else "",
                body=body,
            )
        )
    with transaction.atomic():
        if filed:
            Message.objects.bulk_update(filed, ["case_copy", "applicant_copy"])
        record_case_event(actor_ref=str(actor.public_id), action="case.messages_viewed", case=case)
    return opened

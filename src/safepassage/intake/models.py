"""The applicant side of a case: the applicant's keys and the messages of both directions.

Nothing here is readable alone (SR-01/SR-05). The codename itself is never stored: only the
lookup id derived from it with Argon2id and a pepper kept outside the database, the
applicant's public key, and their private key wrapped under the codename key. Messages are
sealed twice: a ``MESSAGE`` envelope the applicant opens with their private key, and, for
staff, a ``FIELD`` envelope under the case's narrative group key. Every field is classified
in ``intake/classification.py``.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import User
from safepassage.cases.models import Case


class Applicant(models.Model):
    """The person who asked for help through the intake, known only by their codename."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="applicant")
    lookup_id = models.CharField(max_length=64, unique=True)
    public_key = models.BinaryField(max_length=32)
    private_key_envelope = models.BinaryField()

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")

    def __str__(self) -> str:
        return str(self.public_id)


class Direction(models.TextChoices):
    FROM_APPLICANT = "from_applicant", _("From the applicant")
    TO_APPLICANT = "to_applicant", _("To the applicant")


class Message(models.Model):
    """One message between the applicant and the people working on the case.

    ``applicant_copy`` is a MESSAGE envelope the applicant's key opens. A message from the
    applicant is sealed on arrival to public keys only (the applicant, the caseworkers on the
    case or, before anyone took it, the case team, and the recovery key) and has no
    ``case_copy`` until a caseworker first reads it and files it under the narrative key.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="applicant_messages")
    direction = models.CharField(max_length=16, choices=Direction.choices)
    author = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_on = models.DateField()
    applicant_copy = models.BinaryField()
    case_copy = models.BinaryField(null=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return str(self.public_id)


class SubmissionReceipt(models.Model):
    """What a sent intake form answered, kept briefly so that sending it twice opens one case.

    ``token_digest`` is an HMAC of the form's random one-time token (not of anything the
    applicant wrote or is). ``response`` is the codename and case code encrypted under a key
    derived from the same token, which only the applicant's browser holds: the database
    alone opens nothing. The response is erased at ``response_until`` (15 minutes); the row
    goes at ``expires_at``, when its token could no longer be sent anyway (decision 0026).
    No case, organisation, address or user agent is referenced.
    """

    token_digest = models.CharField(max_length=64, unique=True)
    response = models.BinaryField(null=True)
    response_until = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("submission receipt")
        verbose_name_plural = _("submission receipts")

    def __str__(self) -> str:
        return self.token_digest[:8]

"""Cases: clear workflow fields only; everything identifying is sealed per group (SR-01/02/04).

Clear (workflow) fields: random case code, state, priority, risk, party size, origin and
destination (airport or country code) and dates truncated to the day. Sensitive values are
stored as FIELD envelopes (one per group, holding a small JSON object) under the case's
group keys, which exist only as :class:`CaseGroupKey` rows wrapped for each holder.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import User
from safepassage.core.case_workflow import CaseState as CoreCaseState
from safepassage.core.case_workflow import ReasonCode
from safepassage.organisations.models import Organisation


class CaseState(models.TextChoices):
    NEW = CoreCaseState.NEW.value, _("New request")
    TRIAGED = CoreCaseState.TRIAGED.value, _("Triaged")
    VETTING = CoreCaseState.VETTING.value, _("Vetting")
    APPROVED = CoreCaseState.APPROVED.value, _("Approved")
    DOCUMENTS_VISA = CoreCaseState.DOCUMENTS_VISA.value, _("Documents and visa")
    TRAVEL_PLANNED = CoreCaseState.TRAVEL_PLANNED.value, _("Travel planned")
    TICKETED = CoreCaseState.TICKETED.value, _("Ticketed")
    DEPARTED = CoreCaseState.DEPARTED.value, _("Departed")
    ARRIVED = CoreCaseState.ARRIVED.value, _("Arrived")
    RESETTLED = CoreCaseState.RESETTLED.value, _("Resettled")
    DECLINED = CoreCaseState.DECLINED.value, _("Declined")
    WITHDRAWN = CoreCaseState.WITHDRAWN.value, _("Withdrawn")
    CLOSED = CoreCaseState.CLOSED.value, _("Closed")


class Priority(models.IntegerChoices):
    """Higher sorts first in the triage queue."""

    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class Risk(models.IntegerChoices):
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Critical")


class Case(models.Model):
    """One request for help, from intake to resettlement."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases")
    code = models.CharField(_("case code"), max_length=16, unique=True)
    state = models.CharField(
        _("state"), max_length=32, choices=CaseState.choices, default=CaseState.NEW
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    risk = models.PositiveSmallIntegerField(_("risk"), choices=Risk.choices, default=Risk.MEDIUM)
    party_size = models.PositiveSmallIntegerField(_("party size"), default=1)
    origin = models.CharField(_("origin airport or country"), max_length=3, blank=True)
    destination = models.CharField(_("destination airport or country"), max_length=3, blank=True)
    opened_on = models.DateField(_("opened on"))
    state_changed_on = models.DateField(_("state changed on"))
    # Sealed groups (FIELD envelopes, JSON inside); empty until a value is given.
    identity = models.BinaryField(null=True)
    contact = models.BinaryField(null=True)
    location = models.BinaryField(null=True)
    narrative = models.BinaryField(null=True)

    class Meta:
        permissions = [
            ("triage_case", "Can see the triage queue of new requests"),
            ("manage_case_members", "Can add and remove people working on a case"),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.code


class HolderKind(models.TextChoices):
    USER = "user", _("Staff member")
    TEAM = "team", _("Case team")
    RECOVERY = "recovery", _("Organisation recovery key")


class CaseGroupKey(models.Model):
    """One wrapped copy of one group key of one case, for one holder."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="group_keys")
    group = models.CharField(max_length=32)
    version = models.PositiveSmallIntegerField()
    holder_kind = models.CharField(max_length=16, choices=HolderKind.choices)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="case_group_keys"
    )
    recipient_fingerprint = models.BinaryField(max_length=8)
    envelope = models.BinaryField()
    referral = models.ForeignKey(
        "cases.CaseReferral",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="wrapped_keys",
    )
    """Set on copies made for a referral's receiving organisation (its team, its recovery
    key, its members), so revoking the referral deletes exactly those."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "group", "version", "recipient_fingerprint"],
                name="case_group_key_unique",
            )
        ]
        verbose_name = _("wrapped case key")
        verbose_name_plural = _("wrapped case keys")

    def __str__(self) -> str:
        return f"{self.group} v{self.version} of {self.case.public_id} ({self.holder_kind})"


class CaseMember(models.Model):
    """A staff member working on a case; removing the row and their keys ends their access."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="case_memberships")
    added_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="case_member_unique")]
        verbose_name = _("case member")
        verbose_name_plural = _("case members")

    def __str__(self) -> str:
        return f"{self.user.public_id} on {self.case.public_id}"


class TransitionActorKind(models.TextChoices):
    """Who made a move: a staff member (named by ``actor``), the applicant or the system."""

    STAFF = "staff", _("a staff member")
    APPLICANT = "applicant", _("the applicant")
    SYSTEM = "system", _("the system")


class TransitionReason(models.TextChoices):
    """Labels of ``core.case_workflow.ReasonCode``: why the system or the applicant moved a
    case. Stored as the code, shown in the reader's language."""

    ALL_TICKETS_BOOKED = ReasonCode.ALL_TICKETS_BOOKED.value, _("all tickets booked")
    TICKET_CANCELLED = (
        ReasonCode.TICKET_CANCELLED.value,
        _("a booked ticket was cancelled before departure"),
    )
    TICKET_DECLINED = (
        ReasonCode.TICKET_DECLINED.value,
        _("a ticket waiting to be booked again was declined"),
    )
    APPLICANT_WITHDREW = ReasonCode.APPLICANT_WITHDREW.value, _("withdrawn by the applicant")


class CaseTransition(models.Model):
    """Who moved a case from which state to which, on which day, and why.

    A staff member's move (``actor_kind`` staff) names them in ``actor`` and seals the
    reason they wrote under the narrative key, or under the travel-passenger key when they
    hold only that one (a travel coordinator); ``reason_group`` says which. A move made by
    the applicant or by the system names no one (``actor`` empty) and stores a
    ``reason_code`` instead of text: nothing personal in the row.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_kind = models.CharField(
        max_length=16, choices=TransitionActorKind.choices, default=TransitionActorKind.STAFF
    )
    source = models.CharField(max_length=32, choices=CaseState.choices)
    target = models.CharField(max_length=32, choices=CaseState.choices)
    made_on = models.DateField()
    reason = models.BinaryField(null=True, blank=True)
    reason_group = models.CharField(max_length=32, default="narrative", blank=True)
    reason_code = models.CharField(
        max_length=32, choices=TransitionReason.choices, blank=True, default=""
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        actor_kind=TransitionActorKind.STAFF,
                        actor__isnull=False,
                        reason__isnull=False,
                        reason_code="",
                    )
                    | (
                        models.Q(
                            actor_kind__in=[
                                TransitionActorKind.APPLICANT,
                                TransitionActorKind.SYSTEM,
                            ],
                            actor__isnull=True,
                            reason__isnull=True,
                        )
                        & ~models.Q(reason_code="")
                    )
                ),
                name="case_transition_actor_and_reason",
            )
        ]
        verbose_name = _("case transition")
        verbose_name_plural = _("case transitions")

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"


class HouseholdMember(models.Model):
    """A person travelling with the case (a traveller); identity sealed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="household")
    added_on = models.DateField()
    identity = models.BinaryField()

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")

    def __str__(self) -> str:
        return str(self.public_id)


class CaseNote(models.Model):
    """A caseworker's note; body sealed under the narrative group key."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    written_on = models.DateField()
    body = models.BinaryField()

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")

    def __str__(self) -> str:
        return str(self.public_id)

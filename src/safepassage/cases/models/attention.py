"""Items that tell the people on a case that the system moved it and a person must act.

When the system moves a case backwards (a booked ticket cancelled or declined before
departure), nobody made that move on the case page, so nobody on the case knows. One
:class:`CaseAttention` row per person told is shown on their case list until they dismiss
it. It holds only references, a reason code and days (SR-02): the case page says the rest
to whoever may read it.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import User
from safepassage.cases.models.case import Case, CaseTransition, TransitionReason


class CaseAttention(models.Model):
    """One person told that a system move of a case needs them, until they dismiss it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attention_items")
    transition = models.ForeignKey(
        CaseTransition, on_delete=models.CASCADE, related_name="attention_items"
    )
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="case_attention")
    reason_code = models.CharField(_("reason"), max_length=32, choices=TransitionReason.choices)
    unassigned = models.BooleanField(_("sent because no caseworker is on the case"), default=False)
    """True when the recipient was told as an organisation admin because nobody on the case
    was a caseworker (they may not be on the case themselves)."""
    raised_on = models.DateField(_("raised on"))
    dismissed_on = models.DateField(_("dismissed on"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["transition", "recipient"], name="case_attention_unique"
            )
        ]
        indexes = [models.Index(fields=["recipient", "dismissed_on"])]
        verbose_name = _("case needing attention")
        verbose_name_plural = _("cases needing attention")

    def __str__(self) -> str:
        return str(self.public_id)

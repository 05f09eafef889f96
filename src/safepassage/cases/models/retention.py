"""Retention (SR-12): per-organisation rules and what is left of a shredded case.

A :class:`RetentionRule` says how many days after a case reached a final state it is
crypto-shredded. A :class:`ShreddedCase` keeps only non-identifying facts for reports: the
random case code, the final state, the day it got there, the day it was shredded and why,
the party size and the destination code. No key, envelope or person survives.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.cases.models.case import CaseState
from safepassage.organisations.models import Organisation

FINAL_STATES = (CaseState.RESETTLED, CaseState.DECLINED, CaseState.WITHDRAWN, CaseState.CLOSED)
FINAL_STATE_CHOICES = [(state.value, state.label) for state in FINAL_STATES]


class RetentionRule(models.Model):
    """Shred an organisation's cases ``days`` after they reached ``state``."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="retention_rules"
    )
    state = models.CharField(_("final state"), max_length=32, choices=FINAL_STATE_CHOICES)
    days = models.PositiveSmallIntegerField(_("days kept"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "state"], name="retention_rule_unique")
        ]
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")

    def __str__(self) -> str:
        return f"{self.state}: {self.days} days"


class ShredReason(models.TextChoices):
    RETENTION = "retention", _("Retention period over")
    RESTORED = "restored", _("Shredded before a backup was restored")


class ShreddedCase(models.Model):
    """The tombstone of a crypto-shredded case: counts for reports, nothing identifying."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="shredded_cases"
    )
    code = models.CharField(max_length=16, unique=True)
    final_state = models.CharField(max_length=32, choices=CaseState.choices)
    final_state_on = models.DateField()
    shredded_on = models.DateField()
    reason = models.CharField(max_length=16, choices=ShredReason.choices)
    party_size = models.PositiveSmallIntegerField()
    destination = models.CharField(max_length=3, blank=True)

    class Meta:
        verbose_name = _("shredded case")
        verbose_name_plural = _("shredded cases")

    def __str__(self) -> str:
        return self.code

"""The network: organisations and the partnerships through which they share work."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    CASE_ORGANISATION = "case_organisation", _("Case organisation")
    FUND = "fund", _("Fund")
    EVENT_ORGANISER = "event_organiser", _("Event organiser")


class Organisation(models.Model):
    """A member of the network. Its data is visible only to its own members."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Partnership(models.Model):
    """Two organisations that list each other, the precondition for any sharing
    (referrals, SR-28). Stored once per ordered pair; both directions must exist."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="partnerships"
    )
    partner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "partner"], name="partnership_unique"),
            models.CheckConstraint(
                condition=~models.Q(organisation=models.F("partner")), name="partnership_not_self"
            ),
        ]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")

    def __str__(self) -> str:
        return f"{self.organisation} → {self.partner}"

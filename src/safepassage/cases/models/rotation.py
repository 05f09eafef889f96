"""Key rotation runs (SR-11): which cases of an organisation a run has rotated so far.

``safepassage rotate-keys`` rotates an organisation's cases in batches; each batch commits
its cases and their :class:`KeyRotationCase` rows together, so an interrupted run resumes
where it stopped and never rotates a case twice. Nothing here holds key material.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.cases.models.case import Case
from safepassage.organisations.models import Organisation


class KeyRotation(models.Model):
    """One run rotating every group key of every case of an organisation."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="key_rotations"
    )
    started_on = models.DateField()
    finished_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(finished_on__isnull=True),
                name="key_rotation_one_open_per_organisation",
            )
        ]
        verbose_name = _("key rotation")
        verbose_name_plural = _("key rotations")

    def __str__(self) -> str:
        return str(self.public_id)


class KeyRotationCase(models.Model):
    """A case whose keys a run has rotated (committed with the rotation itself)."""

    rotation = models.ForeignKey(KeyRotation, on_delete=models.CASCADE, related_name="cases")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    rotated_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rotation", "case"], name="key_rotation_case_unique")
        ]
        verbose_name = _("rotated case")
        verbose_name_plural = _("rotated cases")

    def __str__(self) -> str:
        return f"{self.case_id} in {self.rotation_id}"

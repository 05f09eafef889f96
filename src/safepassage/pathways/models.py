"""Country pathways (issue 4, item 4): one board per destination country per organisation.

A :class:`Pathway` holds the organisation's stance towards a destination country (pledged
to receive, negotiating, no action), yearly :class:`PathwayQuota` rows, the
:class:`VisaType` rows it can use, the organisation's :class:`PathwayContact` rows
(officials and NGO contacts, never applicants) and the cases waiting on it
(:class:`CasePathway`). Contact details and free-text notes are sealed at rest with a
server-held key (``pathways.sealing``, decision 0008); every other column is a clear,
non-identifying workflow value (``pathways.classification``).
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.cases.models import Case
from safepassage.organisations.models import Organisation


class Stance(models.TextChoices):
    """Where talks with a destination country stand."""

    PLEDGED = "pledged", _("Pledged to receive")
    NEGOTIATING = "negotiating", _("Negotiating")
    NO_ACTION = "no_action", _("No action")


ACCEPTING_STANCES = frozenset({Stance.PLEDGED, Stance.NEGOTIATING})
"""Stances under which a case with no linked pathway may still be planned to the country."""


class ContactKind(models.TextChoices):
    OFFICIAL = "official", _("Government official")
    NGO = "ngo", _("NGO contact")
    OTHER = "other", _("Other contact")


class Pathway(models.Model):
    """One organisation's board for one destination country (ISO 3166-1 alpha-2)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="pathways"
    )
    country = models.CharField(_("country"), max_length=2)
    stance = models.CharField(
        _("stance"), max_length=16, choices=Stance.choices, default=Stance.NO_ACTION
    )
    stance_changed_on = models.DateField(_("stance changed on"))
    # Sealed (narrative, server-held pathway key): the organisation's notes on the talks.
    notes = models.BinaryField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "country"], name="pathway_country_unique"
            )
        ]
        verbose_name = _("pathway")
        verbose_name_plural = _("pathways")

    def __str__(self) -> str:
        return f"{self.country} ({self.organisation.public_id})"


class PathwayQuota(models.Model):
    """Places a country offers the organisation in one calendar year, and how many are used."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="quotas")
    year = models.PositiveSmallIntegerField(_("year"))
    total = models.PositiveIntegerField(_("places"))
    used = models.PositiveIntegerField(_("places used"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pathway", "year"], name="pathway_quota_year_unique"),
            models.CheckConstraint(
                condition=models.Q(used__lte=models.F("total")), name="pathway_quota_used_le_total"
            ),
        ]
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")

    def __str__(self) -> str:
        return f"{self.year}: {self.used}/{self.total}"


class VisaType(models.Model):
    """A visa the country issues that cases on this pathway can use."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="visa_types")
    name = models.CharField(_("visa type"), max_length=32)
    typical_processing_days = models.PositiveSmallIntegerField(
        _("typical processing time (days)"), null=True, blank=True
    )
    # Sealed (narrative): requirements, who to ask, what worked.
    notes = models.BinaryField(null=True)

    class Meta:
        verbose_name = _("visa type")
        verbose_name_plural = _("visa types")

    def __str__(self) -> str:
        return self.name


class PathwayContact(models.Model):
    """An official or NGO contact for the country; name and details sealed (contact group)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=16, choices=ContactKind.choices)
    added_on = models.DateField(_("added on"))
    # Sealed JSON {"name", "affiliation", "reach"} under the server-held pathway key.
    details = models.BinaryField()

    class Meta:
        verbose_name = _("pathway contact")
        verbose_name_plural = _("pathway contacts")

    def __str__(self) -> str:
        return str(self.public_id)


class CasePathway(models.Model):
    """A case waiting on a pathway: its travel may only be planned to the linked countries."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="case_links")
    linked_on = models.DateField(_("linked on"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "pathway"], name="case_pathway_unique")
        ]
        verbose_name = _("case on a pathway")
        verbose_name_plural = _("cases on pathways")

    def __str__(self) -> str:
        return f"{self.case.public_id} → {self.pathway.public_id}"

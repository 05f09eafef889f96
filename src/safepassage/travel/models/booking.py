"""Who can book what: alliances, their member carriers, and each program's own and bilateral
partner carriers. Every row carries its public source, an as-of date and whether it was
verified; catalogue maintainers (``travel.maintain_catalogue``, decision 0017) correct them
on the partnerships page.

A program (``donations.Program``) can book its own carriers' flights, every member of an
alliance one of its own carriers belongs to (suspended members excluded), and its bilateral
partners' (``safepassage.core.routing.program_carriers``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.donations.models import Program


class CarrierAlliance(models.Model):
    """An airline alliance (Star Alliance, oneworld, SkyTeam)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)

    class Meta:
        ordering = ["name"]
        verbose_name = _("alliance")
        verbose_name_plural = _("alliances")

    def __str__(self) -> str:
        return self.name


class AllianceMembership(models.Model):
    """A carrier (IATA code) in an alliance; suspended members book nothing through it."""

    alliance = models.ForeignKey(
        CarrierAlliance, on_delete=models.CASCADE, related_name="memberships"
    )
    carrier = models.CharField(_("carrier (IATA code)"), max_length=3)
    suspended = models.BooleanField(_("suspended"), default=False)
    source = models.TextField(_("source"))
    as_of = models.DateField(_("as of"))
    verified = models.BooleanField(_("verified"), default=True)

    class Meta:
        ordering = ["alliance", "carrier"]
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "carrier"], name="travel_alliance_membership_unique"
            )
        ]
        permissions = [
            (
                "maintain_catalogue",
                "Can maintain the network-wide travel catalogue: who can book what, award "
                "charts, taxes and surcharges",
            )
        ]
        verbose_name = _("alliance membership")
        verbose_name_plural = _("alliance memberships")

    def __str__(self) -> str:
        return f"{self.carrier} in {self.alliance.code}"


class CarrierRelation(models.TextChoices):
    OWN = "own", _("Own carrier")
    BILATERAL = "bilateral", _("Bilateral partner")


class ProgramCarrier(models.Model):
    """A carrier one program books directly: its own airline(s) or a bilateral partner."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="carriers")
    carrier = models.CharField(_("carrier (IATA code)"), max_length=3)
    relation = models.CharField(_("relation"), max_length=16, choices=CarrierRelation.choices)
    source = models.TextField(_("source"))
    as_of = models.DateField(_("as of"))
    verified = models.BooleanField(_("verified"), default=True)

    class Meta:
        ordering = ["program", "relation", "carrier"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "carrier"], name="travel_program_carrier_unique"
            )
        ]
        verbose_name = _("program carrier")
        verbose_name_plural = _("program carriers")

    def __str__(self) -> str:
        return f"{self.program.code}: {self.carrier} ({self.relation})"

"""Published transparency snapshots: the only thing the public page reads (SR-33).

A :class:`TransparencySnapshot` is taken by ``do_publish_snapshot`` (monthly, by the
``publish-transparency`` command or the background task) for every full month up to
``period_end``. Its :class:`TransparencyFigure` rows are the cells as published: a
suppressed cell keeps no value at all, so this table never holds a count under ten.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Metric(models.TextChoices):
    PEOPLE = "people", _("People moved")
    MONEY = "money", _("Money raised")
    MILES = "miles", _("Miles redeemed")


class Dimension(models.TextChoices):
    MONTH = "month", _("Month")
    CAMPAIGN = "campaign", _("Campaign")


class Suppression(models.TextChoices):
    NONE = "", _("Published")
    FEW = "few", _("Fewer than 10")
    DOMINATED = "dominated", _("Withheld: one contribution would dominate it")
    REVISED = "revised", _("Withheld: changed by fewer than 10 since it was published")


class TransparencySnapshot(models.Model):
    """One batch of public figures, covering every full month up to ``period_end``."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    period_end = models.DateField(_("figures up to"), unique=True)
    published_on = models.DateField(_("published on"))
    reporting_currency = models.CharField(_("reporting currency"), max_length=3)

    class Meta:
        verbose_name = _("transparency snapshot")
        verbose_name_plural = _("transparency snapshots")

    def __str__(self) -> str:
        return f"snapshot to {self.period_end.isoformat()}"


class TransparencyFigure(models.Model):
    """One published cell. ``value`` (and ``value_high`` for a campaign's range) and
    ``units`` are empty when the cell is suppressed."""

    snapshot = models.ForeignKey(
        TransparencySnapshot, on_delete=models.CASCADE, related_name="figures"
    )
    metric = models.CharField(max_length=8, choices=Metric.choices)
    dimension = models.CharField(max_length=8, choices=Dimension.choices)
    key = models.CharField(max_length=36)
    label = models.CharField(max_length=200, blank=True)
    value = models.DecimalField(max_digits=20, decimal_places=2, null=True)
    value_high = models.DecimalField(max_digits=20, decimal_places=2, null=True)
    units = models.PositiveIntegerField(null=True)
    suppression = models.CharField(max_length=16, choices=Suppression.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "metric", "dimension", "key"],
                name="transparency_figure_unique_cell",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(suppression="", value__isnull=False, units__gte=10)
                    | (
                        ~models.Q(suppression="")
                        & models.Q(value__isnull=True, value_high__isnull=True, units__isnull=True)
                    )
                ),
                name="transparency_figure_suppressed_means_empty",
            ),
        ]
        verbose_name = _("transparency figure")
        verbose_name_plural = _("transparency figures")

    def __str__(self) -> str:
        return f"{self.metric}/{self.dimension}/{self.key}"


class ShreddedMove(models.Model):
    """A moved case that was crypto-shredded (SR-12): only the month it moved and its party
    size, kept so the published people counts do not shrink when retention ends. It names
    no case; the cases app's tombstone is never linked to it."""

    moved_in = models.DateField(_("moved in (first day of the month)"))
    party_size = models.PositiveSmallIntegerField(_("party size"))

    class Meta:
        verbose_name = _("move of a shredded case")
        verbose_name_plural = _("moves of shredded cases")

    def __str__(self) -> str:
        return f"{self.party_size} moved in {self.moved_in:%Y-%m}"

"""Award pricing as data: one chart per program (distance bands, zones or a fixed estimate)
and the cash due per flight by route type, each fact with its source and as-of date.

Seeded by a data migration from ``travel/data/award_charts.json`` (made from the sourced
figures of ``safepassage.core.pricing.catalogue`` and PROGRAMS.md) and corrected by admins on
the chart page. ``travel.pricing.load_program_pricing`` turns the rows into the pricing
core's :class:`~safepassage.core.pricing.ProgramPricing` (which re-checks them).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.donations.models import Program


class ChartKind(models.TextChoices):
    DISTANCE_BANDS = "distance_bands", _("Distance bands")
    ZONES = "zones", _("Zones")
    FIXED = "fixed", _("Fixed estimate")


class MultiSegment(models.TextChoices):
    PER_SEGMENT = "per_segment", _("Each flight banded on its own")
    TOTAL_DISTANCE = "total_distance", _("Total distance banded once")


class AwardChart(models.Model):
    """How one program prices a one-way economy award ticket (one per program)."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="award_chart")
    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=16, choices=ChartKind.choices)
    multi_segment = models.CharField(
        _("connections"),
        max_length=16,
        choices=MultiSegment.choices,
        default=MultiSegment.PER_SEGMENT,
        help_text=_("How a distance chart prices a ticket with connections."),
    )
    multi_segment_source = models.TextField(_("source of the connection rule"), blank=True)
    fixed_miles = models.PositiveIntegerField(_("miles (fixed estimate)"), null=True, blank=True)
    short_haul_max_miles = models.PositiveIntegerField(_("short haul up to (miles)"), default=2000)
    route_type_source = models.TextField(_("source of the short-haul limit"), blank=True)
    currency = models.CharField(_("currency of cash rules"), max_length=3, default="USD")
    source = models.TextField(_("source"))
    as_of = models.DateField(_("as of"))
    verified = models.BooleanField(_("verified"), default=True)

    class Meta:
        ordering = ["program__code"]
        verbose_name = _("award chart")
        verbose_name_plural = _("award charts")

    def __str__(self) -> str:
        return self.name


class ChartBand(models.Model):
    """Miles for a great-circle distance from ``min_miles`` to ``max_miles`` (None: beyond)."""

    chart = models.ForeignKey(AwardChart, on_delete=models.CASCADE, related_name="bands")
    min_miles = models.PositiveIntegerField(_("from (miles)"))
    max_miles = models.PositiveIntegerField(_("to (miles)"), null=True, blank=True)
    miles = models.PositiveIntegerField(_("award miles"))

    class Meta:
        ordering = ["chart", "min_miles"]
        verbose_name = _("distance band")
        verbose_name_plural = _("distance bands")

    def __str__(self) -> str:
        return f"{self.min_miles}-{self.max_miles}: {self.miles}"


class ChartZone(models.Model):
    """A zone of a zone chart and its countries (ISO codes separated by spaces)."""

    chart = models.ForeignKey(AwardChart, on_delete=models.CASCADE, related_name="zones")
    name = models.CharField(_("name"), max_length=64)
    countries = models.CharField(_("countries"), max_length=800)
    source = models.TextField(_("source"))
    as_of = models.DateField(_("as of"))
    verified = models.BooleanField(_("verified"), default=True)

    class Meta:
        ordering = ["chart", "name"]
        verbose_name = _("zone")
        verbose_name_plural = _("zones")

    def __str__(self) -> str:
        return self.name


class ChartZonePrice(models.Model):
    """Miles from one zone to another (both ways unless ``one_way_only``)."""

    chart = models.ForeignKey(AwardChart, on_delete=models.CASCADE, related_name="zone_prices")
    origin_zone = models.CharField(_("from zone"), max_length=64)
    destination_zone = models.CharField(_("to zone"), max_length=64)
    miles = models.PositiveIntegerField(_("award miles"))
    one_way_only = models.BooleanField(_("this direction only"), default=False)

    class Meta:
        ordering = ["chart", "origin_zone", "destination_zone"]
        verbose_name = _("zone price")
        verbose_name_plural = _("zone prices")

    def __str__(self) -> str:
        return f"{self.origin_zone} → {self.destination_zone}: {self.miles}"


class RouteType(models.TextChoices):
    DOMESTIC = "domestic", _("Domestic")
    SHORT_HAUL = "short_haul", _("Short haul")
    LONG_HAUL = "long_haul", _("Long haul")


class CashRule(models.Model):
    """Taxes and carrier surcharge due per flight of a route type, in the chart's currency;
    optionally only for flights departing ``origin_countries`` (ISO codes separated by spaces;
    empty: departures from anywhere no other row of the route type names). The pricing core
    refuses two rows covering the same route type and departure country."""

    chart = models.ForeignKey(AwardChart, on_delete=models.CASCADE, related_name="cash_rules")
    route_type = models.CharField(_("route type"), max_length=16, choices=RouteType.choices)
    origin_countries = models.CharField(
        _("departing from"),
        max_length=800,
        blank=True,
        help_text=_(
            "ISO country codes, e.g. “GB IE”; empty: flights departing anywhere else. Taxes "
            "follow the departure point."
        ),
    )
    taxes = models.DecimalField(_("taxes"), max_digits=10, decimal_places=2)
    carrier_surcharge = models.DecimalField(
        _("carrier surcharge"), max_digits=10, decimal_places=2, default=0
    )
    source = models.TextField(_("source"))
    as_of = models.DateField(_("as of"))
    verified = models.BooleanField(_("verified"), default=True)

    class Meta:
        ordering = ["chart", "route_type", "origin_countries"]
        verbose_name = _("cash rule")
        verbose_name_plural = _("cash rules")

    def __str__(self) -> str:
        scope = f" from {self.origin_countries}" if self.origin_countries else ""
        return f"{self.route_type}{scope}: {self.taxes} + {self.carrier_surcharge}"

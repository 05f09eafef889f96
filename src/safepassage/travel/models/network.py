"""The flight network as stored data: airports, airlines, routes and the route imports.

All of it is public reference data (``airportsdata`` and OpenFlights), nothing about a case.
Airports come from a data migration; airlines and routes from ``safepassage import-routes``,
which replaces them whole and adds a :class:`RouteImport` row: its primary key is the
counter that invalidates each process's cached flight graph.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Airport(models.Model):
    """An airport with an IATA code, from the ``airportsdata`` package."""

    code = models.CharField(_("IATA code"), max_length=3, unique=True)
    icao = models.CharField(_("ICAO code"), max_length=4, blank=True)
    name = models.CharField(_("name"), max_length=120)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = models.CharField(_("country (ISO 3166-1)"), max_length=2, db_index=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    timezone = models.CharField(_("time zone"), max_length=64, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("airport")
        verbose_name_plural = _("airports")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Airline(models.Model):
    """One row of OpenFlights airlines.dat."""

    openflights_id = models.IntegerField(_("OpenFlights id"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    alias = models.CharField(_("alias"), max_length=120, blank=True)
    iata = models.CharField(_("IATA code"), max_length=2, blank=True, db_index=True)
    icao = models.CharField(_("ICAO code"), max_length=8, blank=True)
    callsign = models.CharField(_("callsign"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=120, blank=True)
    active = models.BooleanField(_("active"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("airline")
        verbose_name_plural = _("airlines")

    def __str__(self) -> str:
        return self.name


class Route(models.Model):
    """One row of OpenFlights routes.dat: ``carrier`` flies ``origin`` → ``destination``.

    Airport and carrier codes are kept as codes (IATA, or ICAO where the file has no IATA
    code): routes.dat names airports and airlines the other files do not have, and the graph
    builder leaves such routes out and counts them.
    """

    carrier = models.CharField(_("carrier"), max_length=3, db_index=True)
    airline_openflights_id = models.IntegerField(_("airline OpenFlights id"), null=True)
    origin = models.CharField(_("origin"), max_length=4)
    destination = models.CharField(_("destination"), max_length=4)
    codeshare = models.BooleanField(_("codeshare"), default=False)
    stops = models.PositiveSmallIntegerField(_("stops"), default=0)

    class Meta:
        verbose_name = _("route")
        verbose_name_plural = _("routes")

    def __str__(self) -> str:
        return f"{self.carrier} {self.origin}-{self.destination}"


class RouteImport(models.Model):
    """One completed ``import-routes`` run (the newest one's rows are the stored routes)."""

    imported_at = models.DateTimeField(_("imported at"))
    label = models.CharField(_("label"), max_length=64)
    airlines = models.PositiveIntegerField(_("airlines"))
    routes = models.PositiveIntegerField(_("routes"))
    warnings = models.PositiveIntegerField(_("warnings"))

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("route import")
        verbose_name_plural = _("route imports")

    def __str__(self) -> str:
        return f"{self.label} ({self.pk})"

"""Travel requests: who of a case's household travels, from where, to which countries, when,
and the route options a coordinator keeps for the allocator.

The shapes map one to one onto the allocator's problem JSON (``ALLOCATION.md``):

* :class:`TravelRequest` → ``requests[]`` (``id`` = public id, ``travellers`` = party size,
  ``priority`` = the case's priority);
* :class:`TravelOption` → ``requests[].options[]``;
* :class:`TravelFare` → ``options[].fares[]``, one separately ticketed part of the journey
  (``cash_price`` per traveller, None = cannot be bought with cash);
* :class:`FarePrice` → one entry of a fare's ``miles`` and ``taxes`` per program (a price
  without miles is known to be bookable but not yet priced: left out until quoted).

Every field is a clear workflow value (SR-01/02, see ``travel.classification``): codes,
states, party size, airports and countries, dates to the day. Travellers are references to
household members, whose names stay sealed in the cases app.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import User
from safepassage.cases.models import Case, HouseholdMember
from safepassage.donations.models import Program


class TravelRequestState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for allocation")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class TravelRequest(models.Model):
    """One party of travellers of one case who must move together."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="travel_requests")
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=TravelRequestState.choices,
        default=TravelRequestState.DRAFT,
    )
    party_size = models.PositiveSmallIntegerField(_("party size"))
    origin = models.CharField(_("origin airport"), max_length=3)
    earliest_departure = models.DateField(_("earliest departure"))
    latest_departure = models.DateField(_("latest departure"))
    max_connections = models.PositiveSmallIntegerField(_("connections at most"), default=2)
    minimum_connection_minutes = models.PositiveSmallIntegerField(
        _("minimum connection time (minutes)"), default=60
    )
    created_on = models.DateField(_("created on"))
    changed_on = models.DateField(_("changed on"))

    class Meta:
        ordering = ["earliest_departure", "pk"]
        permissions = [("search_routes", "Can search routes and see award estimates")]
        verbose_name = _("travel request")
        verbose_name_plural = _("travel requests")

    def __str__(self) -> str:
        return str(self.public_id)


class TravelRequestTraveller(models.Model):
    """A household member travelling on the request (a reference; the name stays sealed)."""

    request = models.ForeignKey(TravelRequest, on_delete=models.CASCADE, related_name="travellers")
    household_member = models.ForeignKey(
        HouseholdMember, on_delete=models.PROTECT, related_name="travel_requests"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["request", "household_member"], name="travel_request_traveller_unique"
            )
        ]
        verbose_name = _("traveller")
        verbose_name_plural = _("travellers")

    def __str__(self) -> str:
        return str(self.household_member.public_id)


class TravelRequestDestination(models.Model):
    """A country the travellers may go to (ISO 3166-1)."""

    request = models.ForeignKey(
        TravelRequest, on_delete=models.CASCADE, related_name="destinations"
    )
    country = models.CharField(_("country"), max_length=2)

    class Meta:
        ordering = ["country"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "country"], name="travel_request_destination_unique"
            )
        ]
        verbose_name = _("acceptable destination")
        verbose_name_plural = _("acceptable destinations")

    def __str__(self) -> str:
        return self.country


class OptionSource(models.TextChoices):
    FINDER = "finder", _("Route finder")
    MANUAL = "manual", _("Added by a coordinator")


class TravelOption(models.Model):
    """One way to get the whole party to safety: one or more separately ticketed fares."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(TravelRequest, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(_("position"))
    airports = models.CharField(_("airports"), max_length=32, help_text=_("e.g. MCX IST VNO"))
    source = models.CharField(_("source"), max_length=16, choices=OptionSource.choices)
    minimum_journey_minutes = models.PositiveIntegerField(
        _("minimum journey time (minutes)"), null=True
    )
    distance_miles = models.PositiveIntegerField(_("distance (miles)"))

    class Meta:
        ordering = ["request", "position", "pk"]
        verbose_name = _("travel option")
        verbose_name_plural = _("travel options")

    def __str__(self) -> str:
        return self.airports

    @property
    def self_transfer(self) -> bool:
        """Two or more fares: the traveller changes tickets (and collects bags) in between."""
        return self.fares.count() > 1

    @property
    def destination(self) -> str:
        return self.airports.split()[-1]


class TravelFare(models.Model):
    """One separately ticketed part of an option (one or more consecutive flights).

    ``carriers`` lists, per flight, the operating carriers that fly it (``"TK PC|TK"``).
    ``cash_price`` is per traveller in ``cash_currency``; None means not bookable for cash.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    option = models.ForeignKey(TravelOption, on_delete=models.CASCADE, related_name="fares")
    position = models.PositiveSmallIntegerField(_("position"))
    airports = models.CharField(_("airports"), max_length=32)
    carriers = models.CharField(_("carriers"), max_length=64, blank=True)
    distance_miles = models.PositiveIntegerField(_("distance (miles)"))
    cash_price = models.DecimalField(
        _("cash price per traveller"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    cash_currency = models.CharField(_("cash currency"), max_length=3, blank=True)

    class Meta:
        ordering = ["option", "position", "pk"]
        verbose_name = _("fare")
        verbose_name_plural = _("fares")

    def __str__(self) -> str:
        return self.airports

    @property
    def origin(self) -> str:
        return self.airports.split()[0]

    @property
    def destination(self) -> str:
        return self.airports.split()[-1]


class PriceBasis(models.TextChoices):
    CHART = "chart", _("Published chart")
    ESTIMATE = "estimate", _("Estimate")
    QUOTED = "quoted", _("Quoted by a coordinator")
    UNKNOWN = "unknown", _("Not priced yet")


class FarePrice(models.Model):
    """What one program asks (per traveller) for one fare: miles plus taxes and surcharges.

    ``miles`` None: the program can book the fare but no estimate exists; the allocator does
    not see it until a coordinator quotes it. ``taxes_known`` False: a flight's route type has
    no taxes row, so ``taxes`` is only the sourced part ("not known" on the page). A quote
    keeps the estimate it replaced (``estimated_*``) and who quoted it on which day.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fare = models.ForeignKey(TravelFare, on_delete=models.CASCADE, related_name="prices")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    miles = models.PositiveIntegerField(_("miles per traveller"), null=True, blank=True)
    taxes = models.DecimalField(
        _("taxes and surcharges per traveller"), max_digits=10, decimal_places=2, default=0
    )
    taxes_known = models.BooleanField(
        _("taxes known"),
        default=True,
        help_text=_(
            "False when no sourced taxes row covers a flight of the fare: the taxes hold only "
            "the known part until a coordinator quotes the price."
        ),
    )
    currency = models.CharField(_("currency"), max_length=3)
    basis = models.CharField(_("basis"), max_length=16, choices=PriceBasis.choices)
    estimated_miles = models.PositiveIntegerField(_("estimated miles"), null=True, blank=True)
    estimated_taxes = models.DecimalField(
        _("estimated taxes"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    quoted_on = models.DateField(_("quoted on"), null=True, blank=True)
    quoted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sources = models.TextField(_("sources"), blank=True)

    class Meta:
        ordering = ["fare", "program__code"]
        constraints = [
            models.UniqueConstraint(fields=["fare", "program"], name="travel_fare_price_unique")
        ]
        verbose_name = _("fare price")
        verbose_name_plural = _("fare prices")

    def __str__(self) -> str:
        return f"{self.program.code}: {self.miles}"

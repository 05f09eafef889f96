"""Reads of the travel app.

:func:`list_open_travel_requests` and :func:`allocation_request` are the contract with the
allocation and bookings work: an open request becomes one entry of the allocator problem's
``requests`` list exactly as ``ALLOCATION.md`` describes it. Nothing here decrypts anything.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from safepassage.accounts.models import User
from safepassage.accounts.roles import ROLE_PERMISSIONS
from safepassage.cases.errors import NoCaseKey
from safepassage.cases.models import Case, CaseState
from safepassage.cases.sealing import context, open_json, unwrap_user_group_key
from safepassage.core.crypto import CryptoError, KeyPair, SensitiveGroup
from safepassage.core.pricing import (
    DistanceBandChart,
    MultiSegmentRule,
    ProgramPricing,
    SourceNote,
    ZoneChart,
)
from safepassage.core.pricing import RouteType as CoreRouteType
from safepassage.donations.models import Program, ProgramKind
from safepassage.organisations.models import Organisation
from safepassage.site.numbers import grouped_number
from safepassage.travel.actions import CATALOGUE_MAINTAINERS_GROUP
from safepassage.travel.models import (
    Airport,
    AllianceMembership,
    FarePrice,
    ProgramCarrier,
    TravelFare,
    TravelOption,
    TravelRequest,
    TravelRequestState,
)
from safepassage.travel.pricing import load_program_pricing


def _prefetched(requests: QuerySet[TravelRequest]) -> QuerySet[TravelRequest]:
    return requests.select_related("case", "case__organisation").prefetch_related(
        "destinations",
        "travellers__household_member",
        Prefetch(
            "options",
            queryset=TravelOption.objects.order_by("position", "pk").prefetch_related(
                Prefetch(
                    "fares",
                    queryset=TravelFare.objects.order_by("position", "pk").prefetch_related(
                        Prefetch(
                            "prices",
                            queryset=FarePrice.objects.select_related("program").order_by(
                                "program__code"
                            ),
                        )
                    ),
                )
            ),
        ),
    )


def list_open_travel_requests(*, organisation: Organisation) -> QuerySet[TravelRequest]:
    """Requests of ``organisation``'s cases in "travel planned" that are open for allocation,
    with travellers, destinations, options, fares and prices prefetched."""
    return _prefetched(
        TravelRequest.objects.filter(
            case__organisation=organisation,
            case__state=CaseState.TRAVEL_PLANNED,
            state=TravelRequestState.OPEN,
        ).order_by("-case__priority", "earliest_departure", "pk")
    )


def get_travel_request(*, travel_request: TravelRequest) -> TravelRequest:
    """The request again, with everything its page and :func:`allocation_request` read."""
    return _prefetched(TravelRequest.objects.filter(pk=travel_request.pk)).get()


def list_case_travel_requests(*, case: Case) -> QuerySet[TravelRequest]:
    return _prefetched(TravelRequest.objects.filter(case=case).order_by("created_on", "pk"))


def _amount(value: Decimal) -> float:
    """JSON number for the allocator's cash fields (its interface is JSON numbers)."""
    return float(value)


def allocation_request(*, travel_request: TravelRequest) -> dict[str, Any]:
    """One entry of the allocator problem's ``requests`` (see ``ALLOCATION.md``).

    Ids are public ids (unique across the problem). A fare lists only programs with a miles
    figure; ``taxes`` are in each price's own currency (``currencies`` says which, for the
    caller to convert to the problem currency); ``cash_price`` is None unless a coordinator
    entered one. Expects the request from :func:`get_travel_request` or
    :func:`list_open_travel_requests` (prefetched).
    """
    return {
        "id": str(travel_request.public_id),
        "travellers": travel_request.party_size,
        "priority": float(travel_request.case.priority),
        "options": [
            {
                "id": str(option.public_id),
                "fares": [_allocation_fare(fare) for fare in option.fares.all()],
            }
            for option in travel_request.options.all()
        ],
    }


def _allocation_fare(fare: TravelFare) -> dict[str, Any]:
    priced = [price for price in fare.prices.all() if price.miles is not None]
    return {
        "id": str(fare.public_id),
        "miles": {price.program.code: price.miles for price in priced},
        "taxes": {price.program.code: _amount(price.taxes) for price in priced},
        "currencies": {price.program.code: price.currency for price in priced},
        "cash_price": None if fare.cash_price is None else _amount(fare.cash_price),
        "cash_currency": fare.cash_currency or None,
    }


def list_travel_planned_cases(*, user: User) -> QuerySet[Case]:
    """Cases in "travel planned" that ``user`` works on, in organisations where their role
    may view travel requests; most urgent first. Clear workflow fields only."""
    organisations = [
        membership.organisation_id
        for membership in user.memberships.all()
        if "travel.view_travelrequest" in ROLE_PERMISSIONS.get(membership.role, frozenset())
    ]
    return (
        Case.objects.filter(
            members__user=user,
            organisation_id__in=organisations,
            state=CaseState.TRAVEL_PLANNED,
        )
        .select_related("organisation")
        .prefetch_related("travel_requests")
        .order_by("-priority", "-risk", "opened_on", "code")
    )


def list_alliance_memberships() -> QuerySet[AllianceMembership]:
    return AllianceMembership.objects.select_related("alliance").order_by(
        "alliance__name", "carrier"
    )


def list_program_carriers() -> QuerySet[ProgramCarrier]:
    return ProgramCarrier.objects.select_related("program").order_by(
        "program__code", "relation", "carrier"
    )


def traveller_choices(
    *, case: Case, user: User, key_pair: KeyPair | None
) -> tuple[list[tuple[str, str]], bool]:
    """(household member public id, label) of the case's household, and whether the labels
    are names: only when ``user``'s own keys open the case's identity group (a travel
    coordinator holds the travel-passenger key only, SR-26, and sees "Traveller 1 (3f2a…)")."""
    identity = None
    if key_pair is not None:
        try:
            identity = unwrap_user_group_key(
                case=case, user=user, key_pair=key_pair, group=SensitiveGroup.IDENTITY
            )
        except NoCaseKey:
            identity = None
    choices = []
    for number, member in enumerate(case.household.order_by("added_on", "pk"), start=1):
        label = _("Traveller %(number)s (%(reference)s…)") % {
            "number": number,
            "reference": str(member.public_id)[:8],
        }
        if identity is not None:
            try:
                values = open_json(
                    key=identity,
                    field_context=context(
                        model="cases.HouseholdMember", field="identity", row_id=member.public_id
                    ),
                    envelope=bytes(member.identity),
                )
            except CryptoError:
                values = {}
            label = values.get("full_name") or label
        choices.append((str(member.public_id), label))
    return choices, identity is not None


@dataclass(frozen=True, kw_only=True)
class ChosenTraveller:
    reference: str
    label: str


def chosen_travellers(
    *, travel_request: TravelRequest, labels: dict[str, str]
) -> list[ChosenTraveller]:
    """The request's travellers with the labels of :func:`traveller_choices`."""
    references = [
        str(traveller.household_member.public_id)
        for traveller in travel_request.travellers.select_related("household_member").order_by("pk")
    ]
    return [
        ChosenTraveller(reference=reference, label=labels.get(reference, reference[:8]))
        for reference in references
    ]


@dataclass(frozen=True, kw_only=True)
class CashLine:
    """Taxes plus carrier surcharge per flight of one route type, for flights departing
    ``origin_countries`` ("" for a general row); ``amount`` None: not known. ``elsewhere``:
    a general line of a route type that also has rows for named departure countries."""

    route_type: str
    origin_countries: str
    amount: Decimal | None
    currency: str
    elsewhere: bool = False


@dataclass(frozen=True, kw_only=True)
class PricingRow:
    """How one program's award estimates are made, for the programs page."""

    program: str
    chart: str
    figures: list[str]
    cash: list[CashLine]
    sources: list[SourceNote]


def _chart_figures(pricing: ProgramPricing) -> list[str]:
    chart = pricing.chart
    if isinstance(chart, DistanceBandChart):
        rule = (
            _("each flight banded on its own")
            if chart.multi_segment is MultiSegmentRule.PER_SEGMENT
            else _("total distance banded once")
        )
        bands = [
            pgettext("award chart distance band", "%(low)s-%(high)s mi: %(miles)s")
            % {
                "low": grouped_number(band.min_miles),
                "high": grouped_number(band.max_miles),
                "miles": grouped_number(band.miles),
            }
            if band.max_miles is not None
            else pgettext("award chart distance band", "%(low)s+ mi: %(miles)s")
            % {"low": grouped_number(band.min_miles), "miles": grouped_number(band.miles)}
            for band in chart.bands
        ]
        return [*bands, str(rule)]
    if isinstance(chart, ZoneChart):
        with_countries = {zone.name for zone in chart.zones if zone.countries}
        unknown = _("countries not known: quote tickets there")
        return [
            f"{price.origin_zone} → {price.destination_zone}: {grouped_number(price.miles)}"
            + (
                ""
                if {price.origin_zone, price.destination_zone} <= with_countries
                else f" ({unknown})"
            )
            for price in chart.prices
        ]
    return [_("%(miles)s miles for any ticket") % {"miles": grouped_number(chart.miles)}]


def _cash_lines(pricing: ProgramPricing) -> list[CashLine]:
    """Every route type with its taxes and surcharge per flight: rows for named departure
    countries first, then the general row, or "not known" where there is none."""
    lines = []
    for route_type in CoreRouteType:
        rules = [rule for rule in pricing.cash_rules if rule.route_type is route_type]
        scoped = sorted(
            (rule for rule in rules if rule.origin_countries),
            key=lambda rule: sorted(rule.origin_countries),
        )
        for rule in scoped:
            lines.append(
                CashLine(
                    route_type=route_type.value,
                    origin_countries=" ".join(sorted(rule.origin_countries)),
                    amount=rule.taxes.amount + rule.carrier_surcharge.amount,
                    currency=pricing.currency,
                )
            )
        general = next((rule for rule in rules if not rule.origin_countries), None)
        lines.append(
            CashLine(
                route_type=route_type.value,
                origin_countries="",
                amount=None
                if general is None
                else general.taxes.amount + general.carrier_surcharge.amount,
                currency=pricing.currency,
                elsewhere=bool(scoped),
            )
        )
    return lines


def list_program_pricing() -> list[PricingRow]:
    """Every program with award pricing data, by code, with its figures and sources."""
    rows = []
    for code, pricing in sorted(load_program_pricing().items()):
        sources = [pricing.chart.source]
        if isinstance(pricing.chart, DistanceBandChart) and pricing.chart.multi_segment_source:
            sources.append(pricing.chart.multi_segment_source)
        if isinstance(pricing.chart, ZoneChart):
            for zone in pricing.chart.zones:  # which countries a zone holds, with its own source
                if zone.source not in sources:
                    sources.append(zone.source)
        for rule in pricing.cash_rules:
            if rule.source not in sources:
                sources.append(rule.source)
        rows.append(
            PricingRow(
                program=code,
                chart=pricing.chart.name,
                figures=_chart_figures(pricing),
                cash=_cash_lines(pricing),
                sources=sources,
            )
        )
    return rows


def list_programs_without_chart() -> QuerySet[Program]:
    """Airline programs with no award chart yet (their fares stay "not priced yet")."""
    return Program.objects.filter(kind=ProgramKind.AIRLINE, award_chart__isnull=True).order_by(
        "code"
    )


def list_airports(*, codes: Iterable[str]) -> QuerySet[Airport]:
    """The airports with these codes, by code (for the legend under routes and options)."""
    return Airport.objects.filter(code__in=set(codes)).order_by("code")


def travel_request_initial(
    *, travel_request: TravelRequest, pathway_countries: list[str]
) -> dict[str, object]:
    """The request's values as the request form's initial data."""
    stored = list(travel_request.destinations.values_list("country", flat=True))
    return {
        "travellers": [
            str(member_id)
            for member_id in travel_request.travellers.values_list(
                "household_member__public_id", flat=True
            )
        ],
        "origin": travel_request.origin,
        "destinations": [code for code in stored if code in pathway_countries],
        "other_destinations": " ".join(code for code in stored if code not in pathway_countries),
        "earliest_departure": travel_request.earliest_departure,
        "latest_departure": travel_request.latest_departure,
        "max_connections": travel_request.max_connections,
        "minimum_connection_minutes": travel_request.minimum_connection_minutes,
    }


def list_catalogue_maintainers() -> QuerySet[User]:
    """Users the operator made catalogue maintainers (decision 0017), by e-mail."""
    return User.objects.filter(groups__name=CATALOGUE_MAINTAINERS_GROUP).order_by("email")


def find_user_by_email(*, email: str) -> User | None:
    """The user with ``email`` (any state), for the operator's revocation."""
    return User.objects.filter(email__iexact=email.strip()).first()

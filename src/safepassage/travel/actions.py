"""Writes of the travel app: the route import (operators) and travel requests (coordinators).

Every ``do_*`` performs its whole change in one transaction, audit event included; audit
events carry public ids only.
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import models, transaction
from django.forms import BaseInlineFormSet
from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.audit.actions import SYSTEM_ACTOR, record_audit_event
from safepassage.cases.lock_objects import lock_case
from safepassage.cases.models import Case, CaseState, HouseholdMember
from safepassage.core.pricing import PricingError, PricingSegment, ProgramPricing, price_ticket
from safepassage.core.routing import (
    AirlineRow,
    LineError,
    Offer,
    RouteRow,
    Ticket,
    great_circle_miles,
    parse_airlines,
    parse_routes,
)
from safepassage.donations.models import Program
from safepassage.travel.booking_rules import load_program_carriers
from safepassage.travel.errors import (
    CarriersDoNotMatchTickets,
    CaseNotPlanningTravel,
    DestinationsRequired,
    InvalidAwardChart,
    InvalidItinerary,
    ItineraryRepeatsAirport,
    MaintainerNotFound,
    MalformedRouteFiles,
    RequestNotEditable,
    TravellerInAnotherOpenRequest,
    TravellerNotInHousehold,
    TravellersRequired,
    TravelWindowInvalid,
    TravelWindowOver,
    UnknownAirport,
)
from safepassage.travel.forms import AwardChartForm
from safepassage.travel.lock_objects import lock_travel_request
from safepassage.travel.models import (
    Airline,
    Airport,
    AllianceMembership,
    AwardChart,
    FarePrice,
    OptionSource,
    PriceBasis,
    ProgramCarrier,
    Route,
    RouteImport,
    TravelFare,
    TravelOption,
    TravelRequest,
    TravelRequestDestination,
    TravelRequestState,
    TravelRequestTraveller,
)
from safepassage.travel.pricing import load_program_pricing, program_pricing
from safepassage.travel.route_search import RouteQuery, search_routes

BATCH_SIZE = 5000
MAX_OPTION_AIRPORTS = 8
"""An option's airports must fit ``TravelOption.airports`` ("AAA BBB …", 32 characters)."""
UNPRICED_CURRENCY = "USD"
"""Currency of a program's price before anyone priced it (a quote names its own)."""

type Progress = Callable[[int, int], None]
"""Called with (rows written, rows to write) while an import writes."""


@dataclass(frozen=True, kw_only=True)
class ParsedRouteFiles:
    """Airlines and routes that parsed, and the warnings to show (file name, line warning)."""

    airlines: tuple[AirlineRow, ...]
    routes: tuple[RouteRow, ...]
    warnings: tuple[tuple[str, LineError], ...]

    @property
    def row_count(self) -> int:
        return len(self.airlines) + len(self.routes)


def check_import_routes(*, airlines_text: str, routes_text: str) -> ParsedRouteFiles:
    """Parse airlines.dat and routes.dat text; :class:`MalformedRouteFiles` lists every
    malformed line of both files (then nothing may be imported).

    Warnings (kept rows): junk optional codes read as absent, routes whose airport is not a
    known airport (kept, but the flight graph leaves them out) or whose airline id is not in
    the airlines file.
    """
    airlines = parse_airlines(text=airlines_text)
    routes = parse_routes(text=routes_text)
    errors = [("airlines.dat", error) for error in airlines.errors] + [
        ("routes.dat", error) for error in routes.errors
    ]
    if errors:
        raise MalformedRouteFiles(errors=errors)
    known_airports = set(Airport.objects.values_list("code", flat=True))
    known_airports |= set(Airport.objects.exclude(icao="").values_list("icao", flat=True))
    airline_ids = {airline.openflights_id for airline in airlines.rows}
    warnings = [("airlines.dat", warning) for warning in airlines.warnings]
    warnings += [("routes.dat", warning) for warning in routes.warnings]
    for route in routes.rows:
        for field, code in (("origin", route.origin), ("destination", route.destination)):
            if code not in known_airports:
                warnings.append(
                    (
                        "routes.dat",
                        LineError(
                            line_number=route.line_number,
                            field=field,
                            message=f"airport {code} is not a known airport; left out of the graph",
                        ),
                    )
                )
        if route.airline_id is not None and route.airline_id not in airline_ids:
            warnings.append(
                (
                    "routes.dat",
                    LineError(
                        line_number=route.line_number,
                        field="airline_id",
                        message=f"airline {route.airline_id} is not in the airlines file",
                    ),
                )
            )
    return ParsedRouteFiles(airlines=airlines.rows, routes=routes.rows, warnings=tuple(warnings))


def _airline(row: AirlineRow) -> Airline:
    return Airline(
        openflights_id=row.openflights_id,
        name=row.name[:120],
        alias=(row.alias or "")[:120],
        iata=row.iata or "",
        icao=(row.icao or "")[:8],
        callsign=(row.callsign or "")[:120],
        country=(row.country or "")[:120],
        active=row.active,
    )


def _route(row: RouteRow) -> Route:
    return Route(
        carrier=row.airline,
        airline_openflights_id=row.airline_id,
        origin=row.origin,
        destination=row.destination,
        codeshare=row.codeshare,
        stops=row.stops,
    )


def _write_batches[ModelT: models.Model](
    *,
    objects: list[ModelT],
    create: Callable[[list[ModelT]], object],
    written: int,
    total: int,
    progress: Progress | None,
) -> int:
    for start in range(0, len(objects), BATCH_SIZE):
        batch = objects[start : start + BATCH_SIZE]
        create(batch)
        written += len(batch)
        if progress is not None:
            progress(written, total)
    return written


def do_import_routes(
    *, parsed: ParsedRouteFiles, label: str, progress: Progress | None = None
) -> RouteImport:
    """Replace every stored airline and route with ``parsed``, in one transaction.

    A new :class:`RouteImport` row bumps the import counter, so every process rebuilds its
    cached flight graph on its next search. Re-runnable: a second run replaces the first.
    """
    total = parsed.row_count
    with transaction.atomic():
        Route.objects.all().delete()
        Airline.objects.all().delete()
        written = _write_batches(
            objects=[_airline(row) for row in parsed.airlines],
            create=Airline.objects.bulk_create,
            written=0,
            total=total,
            progress=progress,
        )
        _write_batches(
            objects=[_route(row) for row in parsed.routes],
            create=Route.objects.bulk_create,
            written=written,
            total=total,
            progress=progress,
        )
        route_import = RouteImport.objects.create(
            imported_at=timezone.now(),
            label=label[:64],
            airlines=len(parsed.airlines),
            routes=len(parsed.routes),
            warnings=len(parsed.warnings),
        )
        record_audit_event(
            actor_ref=SYSTEM_ACTOR,
            action="travel.routes_imported",
            object_type="route_import",
            object_ref=str(route_import.pk),
        )
    return route_import


# Travel requests ---------------------------------------------------------------------------


def _audit(*, actor: User, action: str, travel_request: TravelRequest) -> None:
    record_audit_event(
        actor_ref=str(actor.public_id),
        action=action,
        object_type="travel_request",
        object_ref=str(travel_request.public_id),
        organisation_ref=str(travel_request.case.organisation.public_id),
    )


@dataclass(frozen=True, kw_only=True)
class RequestDetails:
    """What a coordinator enters for a travel request."""

    traveller_ids: Sequence[str]
    origin: str
    destinations: Sequence[str]
    earliest_departure: datetime.date
    latest_departure: datetime.date
    max_connections: int = 2
    minimum_connection_minutes: int = 60


def check_create_travel_request(*, case: Case, details: RequestDetails) -> list[HouseholdMember]:
    """Validate the request; returns the chosen household members in the given order."""
    if case.state != CaseState.TRAVEL_PLANNED:
        raise CaseNotPlanningTravel
    if not details.traveller_ids:
        raise TravellersRequired
    members = {
        str(member.public_id): member
        for member in HouseholdMember.objects.filter(
            case=case, public_id__in=list(details.traveller_ids)
        )
    }
    if len(members) != len(set(details.traveller_ids)):
        raise TravellerNotInHousehold
    if not details.destinations:
        raise DestinationsRequired
    if details.latest_departure < details.earliest_departure:
        raise TravelWindowInvalid
    if details.latest_departure < timezone.localdate():
        raise TravelWindowOver
    if not Airport.objects.filter(code=details.origin.upper()).exists():
        raise UnknownAirport
    return [members[member_id] for member_id in dict.fromkeys(details.traveller_ids)]


def do_create_travel_request(
    *, actor: User, case: Case, travellers: Sequence[HouseholdMember], details: RequestDetails
) -> TravelRequest:
    """Create a draft request for ``travellers`` (checked by ``check_create_travel_request``)."""
    today = timezone.localdate()
    with transaction.atomic():
        travel_request = TravelRequest.objects.create(
            case=case,
            party_size=len(travellers),
            origin=details.origin.upper(),
            earliest_departure=details.earliest_departure,
            latest_departure=details.latest_departure,
            max_connections=details.max_connections,
            minimum_connection_minutes=details.minimum_connection_minutes,
            created_on=today,
            changed_on=today,
        )
        TravelRequestTraveller.objects.bulk_create(
            TravelRequestTraveller(request=travel_request, household_member=member)
            for member in travellers
        )
        TravelRequestDestination.objects.bulk_create(
            TravelRequestDestination(request=travel_request, country=country.upper())
            for country in sorted(set(details.destinations))
        )
        _audit(actor=actor, action="travel.request_created", travel_request=travel_request)
    return travel_request


def check_change_travel_request(*, travel_request: TravelRequest) -> None:
    """Options and prices change only while the case plans travel and the request is live."""
    if travel_request.case.state != CaseState.TRAVEL_PLANNED:
        raise CaseNotPlanningTravel
    if travel_request.state == TravelRequestState.WITHDRAWN:
        raise RequestNotEditable


def _check_travellers_free(
    *, travel_request: TravelRequest, members: Sequence[HouseholdMember] | None = None
) -> None:
    """``TravellerInAnotherOpenRequest`` when one of the request's travellers (or of
    ``members``, its travellers to be) is in another request of the case open for
    allocation: the allocator would plan, reserve miles and ask donors for both."""
    chosen = (
        [member.pk for member in members]
        if members is not None
        else list(travel_request.travellers.values_list("household_member_id", flat=True))
    )
    if (
        TravelRequestTraveller.objects.filter(
            request__case_id=travel_request.case_id,
            request__state=TravelRequestState.OPEN,
            household_member_id__in=chosen,
        )
        .exclude(request_id=travel_request.pk)
        .exists()
    ):
        raise TravellerInAnotherOpenRequest


def check_update_travel_request(
    *, travel_request: TravelRequest, details: RequestDetails
) -> list[HouseholdMember]:
    """Validate new details like a new request, on a request that may still change; an
    open request may not take a traveller another open request holds."""
    check_change_travel_request(travel_request=travel_request)
    members = check_create_travel_request(case=travel_request.case, details=details)
    if travel_request.state == TravelRequestState.OPEN:
        _check_travellers_free(travel_request=travel_request, members=members)
    return members


def check_set_travel_request_state(*, travel_request: TravelRequest, state: str) -> None:
    """A request may change state while it may change at all; it opens for allocation only
    when none of its travellers is in another open request."""
    check_change_travel_request(travel_request=travel_request)
    if state == TravelRequestState.OPEN:
        _check_travellers_free(travel_request=travel_request)


def do_update_travel_request(
    *,
    actor: User,
    travel_request: TravelRequest,
    travellers: Sequence[HouseholdMember],
    details: RequestDetails,
) -> TravelRequest:
    """Replace travellers, origin, destinations, window and connection settings (checked by
    ``check_update_travel_request``). Options stay: search again if the route changed. The
    case row is locked first, so two open requests cannot take the same traveller at once."""
    with transaction.atomic():
        lock_case(case=travel_request.case)
        locked = _touch(travel_request)
        if locked.state == TravelRequestState.OPEN:
            _check_travellers_free(travel_request=locked, members=travellers)
        locked.party_size = len(travellers)
        locked.origin = details.origin.upper()
        locked.earliest_departure = details.earliest_departure
        locked.latest_departure = details.latest_departure
        locked.max_connections = details.max_connections
        locked.minimum_connection_minutes = details.minimum_connection_minutes
        locked.save()
        locked.travellers.all().delete()
        TravelRequestTraveller.objects.bulk_create(
            TravelRequestTraveller(request=locked, household_member=member) for member in travellers
        )
        locked.destinations.all().delete()
        TravelRequestDestination.objects.bulk_create(
            TravelRequestDestination(request=locked, country=country.upper())
            for country in sorted(set(details.destinations))
        )
        _audit(actor=actor, action="travel.request_changed", travel_request=locked)
    return locked


def _touch(travel_request: TravelRequest) -> TravelRequest:
    locked = lock_travel_request(travel_request=travel_request)
    locked.changed_on = timezone.localdate()
    locked.save(update_fields=["changed_on"])
    locked.case = travel_request.case
    return locked


def _fare_airports(ticket: Ticket) -> str:
    return " ".join([ticket.legs[0].origin, *(leg.destination for leg in ticket.legs)])


def _store_fare(
    *,
    option: TravelOption,
    position: int,
    airports: str,
    carriers: str,
    distance_miles: float,
    offers: Sequence[Offer],
    programs: dict[str, Program],
) -> TravelFare:
    fare = TravelFare.objects.create(
        option=option,
        position=position,
        airports=airports,
        carriers=carriers[:64],
        distance_miles=round(distance_miles),
    )
    prices = []
    for offer in offers:
        program = programs.get(offer.program)
        if program is None:
            continue
        price = offer.price
        if price is None:
            prices.append(
                FarePrice(
                    fare=fare,
                    program=program,
                    currency=UNPRICED_CURRENCY,
                    basis=PriceBasis.UNKNOWN,
                    sources=offer.problem or "",
                )
            )
            continue
        prices.append(
            FarePrice(
                fare=fare,
                program=program,
                miles=price.miles.amount,
                taxes=price.cash.amount,
                taxes_known=not price.uncharged_route_types,
                currency=price.cash.currency,
                basis=PriceBasis(price.basis.value),
                estimated_miles=price.miles.amount,
                estimated_taxes=price.cash.amount,
                sources="; ".join(source.citation for source in price.sources),
            )
        )
    FarePrice.objects.bulk_create(prices)
    return fare


def _store_option(
    *,
    travel_request: TravelRequest,
    position: int,
    source: str,
    airports: Sequence[str],
    minimum_journey_minutes: int | None,
    tickets: Sequence[Ticket],
    programs: dict[str, Program],
) -> TravelOption:
    option = TravelOption.objects.create(
        request=travel_request,
        position=position,
        airports=" ".join(airports),
        source=source,
        minimum_journey_minutes=minimum_journey_minutes,
        distance_miles=round(sum(leg.distance_miles for ticket in tickets for leg in ticket.legs)),
    )
    for fare_position, ticket in enumerate(tickets, start=1):
        _store_fare(
            option=option,
            position=fare_position,
            airports=_fare_airports(ticket),
            carriers="|".join(" ".join(sorted(leg.carriers)) for leg in ticket.legs),
            distance_miles=sum(leg.distance_miles for leg in ticket.legs),
            offers=ticket.offers,
            programs=programs,
        )
    return option


def _programs_by_code() -> dict[str, Program]:
    return {program.code: program for program in Program.objects.all()}


def do_generate_options(
    *,
    actor: User,
    travel_request: TravelRequest,
    excluded_countries: frozenset[str] = frozenset(),
    limit: int = 5,
) -> int:
    """Replace the request's route-finder options with the best ``limit`` itineraries.

    Each itinerary becomes an option ticketed the fewest-tickets way; when that is not one
    ticket per flight, a second option prices every flight as its own ticket (more ways to
    pay, every connection a self-transfer). Manual options stay. ``excluded_countries`` is used
    for this search only and not stored. Returns the number of options created.
    """
    itineraries = search_routes(
        query=RouteQuery(
            origin=travel_request.origin,
            destination_countries=frozenset(
                travel_request.destinations.values_list("country", flat=True)
            ),
            max_connections=travel_request.max_connections,
            minimum_connection_minutes=travel_request.minimum_connection_minutes,
            excluded_countries=excluded_countries,
            limit=limit,
        )
    )
    programs = _programs_by_code()
    created = 0
    with transaction.atomic():
        locked = _touch(travel_request)
        locked.options.filter(source=OptionSource.FINDER).delete()
        position = locked.options.aggregate(models.Max("position"))["position__max"] or 0
        for itinerary in itineraries:
            variants: list[tuple[tuple[Ticket, ...], int | None]] = [
                (itinerary.tickets or itinerary.separate_legs, itinerary.minimum_journey_minutes)
            ]
            if itinerary.separate_legs and len(itinerary.tickets) < len(itinerary.separate_legs):
                variants.append((itinerary.separate_legs, None))
            for tickets, minutes in variants:
                if not tickets:
                    continue
                position += 1
                created += 1
                _store_option(
                    travel_request=locked,
                    position=position,
                    source=OptionSource.FINDER,
                    airports=itinerary.airports,
                    minimum_journey_minutes=minutes,
                    tickets=tickets,
                    programs=programs,
                )
        _audit(actor=actor, action="travel.options_generated", travel_request=locked)
    return created


@dataclass(frozen=True, kw_only=True)
class ManualFare:
    """One ticket a coordinator adds: its airports and, optionally, the carrier flying it."""

    airports: tuple[str, ...]
    carriers: frozenset[str]


def parse_manual_itinerary(*, itinerary: str, carriers: str) -> list[ManualFare]:
    """``"MCX IST / IST VNO"`` and ``"TK / TK"`` → fares; :class:`InvalidItinerary` if the
    text is not tickets of two or more airports that meet end to start."""
    groups = [group.split() for group in itinerary.upper().split("/")]
    carrier_groups = [group.split() for group in carriers.upper().split("/")] if carriers else []
    if carrier_groups and len(carrier_groups) != len(groups):
        raise CarriersDoNotMatchTickets
    fares: list[ManualFare] = []
    for position, airports in enumerate(groups):
        if len(airports) < 2 or any(len(code) != 3 for code in airports):
            raise InvalidItinerary
        if fares and fares[-1].airports[-1] != airports[0]:
            raise InvalidItinerary
        fares.append(
            ManualFare(
                airports=tuple(airports),
                carriers=frozenset(carrier_groups[position]) if carrier_groups else frozenset(),
            )
        )
    if 1 + sum(len(fare.airports) - 1 for fare in fares) > MAX_OPTION_AIRPORTS:
        raise InvalidItinerary
    visited = [fares[0].airports[0], *(code for fare in fares for code in fare.airports[1:])]
    if len(set(visited)) != len(visited):
        raise ItineraryRepeatsAirport
    return fares


def check_add_manual_option(*, travel_request: TravelRequest, fares: Sequence[ManualFare]) -> None:
    check_change_travel_request(travel_request=travel_request)
    codes = {code for fare in fares for code in fare.airports}
    if Airport.objects.filter(code__in=codes).count() != len(codes):
        raise UnknownAirport


def _manual_offers(
    *, fare: ManualFare, airports: dict[str, Airport], pricing: dict[str, ProgramPricing]
) -> tuple[float, list[Offer]]:
    segments = []
    for origin, destination in zip(fare.airports, fare.airports[1:], strict=False):
        start, end = airports[origin], airports[destination]
        segments.append(
            PricingSegment(
                origin=origin,
                destination=destination,
                origin_country=start.country,
                destination_country=end.country,
                distance_miles=great_circle_miles(
                    latitude_a=start.latitude,
                    longitude_a=start.longitude,
                    latitude_b=end.latitude,
                    longitude_b=end.longitude,
                ),
            )
        )
    distance = sum(segment.distance_miles for segment in segments)
    if not fare.carriers:
        return distance, []
    offers = []
    for program in load_program_carriers():
        if not fare.carriers <= program.carriers:
            continue
        program_pricing = pricing.get(program.program)
        if program_pricing is None:
            offers.append(Offer(program=program.program, price=None, problem="no pricing data"))
            continue
        try:
            offers.append(
                Offer(
                    program=program.program,
                    price=price_ticket(pricing=program_pricing, segments=segments),
                )
            )
        except PricingError as error:
            offers.append(Offer(program=program.program, price=None, problem=str(error)))
    return distance, offers


def do_add_manual_option(
    *, actor: User, travel_request: TravelRequest, fares: Sequence[ManualFare]
) -> TravelOption:
    """Add an option a coordinator found themselves; each fare is priced for every program
    that can book its carriers (no carriers given: no program prices until quoted)."""
    airports = {
        airport.code: airport
        for airport in Airport.objects.filter(
            code__in={code for fare in fares for code in fare.airports}
        )
    }
    programs = _programs_by_code()
    pricing = load_program_pricing()
    with transaction.atomic():
        locked = _touch(travel_request)
        position = (locked.options.aggregate(models.Max("position"))["position__max"] or 0) + 1
        route = [fares[0].airports[0]] + [code for fare in fares for code in fare.airports[1:]]
        option = TravelOption.objects.create(
            request=locked,
            position=position,
            airports=" ".join(route),
            source=OptionSource.MANUAL,
            distance_miles=0,
        )
        total = 0.0
        for fare_position, fare in enumerate(fares, start=1):
            distance, offers = _manual_offers(fare=fare, airports=airports, pricing=pricing)
            total += distance
            _store_fare(
                option=option,
                position=fare_position,
                airports=" ".join(fare.airports),
                carriers=" ".join(sorted(fare.carriers)),
                distance_miles=distance,
                offers=offers,
                programs=programs,
            )
        option.distance_miles = round(total)
        option.save(update_fields=["distance_miles"])
        _audit(actor=actor, action="travel.option_added", travel_request=locked)
    return option


def do_remove_option(*, actor: User, option: TravelOption) -> None:
    """Remove an option with its fares and prices."""
    with transaction.atomic():
        locked = _touch(option.request)
        option.delete()
        _audit(actor=actor, action="travel.option_removed", travel_request=locked)


def do_quote_price(
    *, actor: User, price: FarePrice, miles: int, taxes: Decimal, currency: str
) -> FarePrice:
    """Replace the estimate with the price a coordinator saw (the estimate is kept); the quote
    names the whole taxes, so they are known from now on."""
    with transaction.atomic():
        locked = _touch(price.fare.option.request)
        price.miles = miles
        price.taxes = taxes
        price.taxes_known = True
        price.currency = currency.upper()
        price.basis = PriceBasis.QUOTED
        price.quoted_on = timezone.localdate()
        price.quoted_by = actor
        price.save(
            update_fields=[
                "miles",
                "taxes",
                "taxes_known",
                "currency",
                "basis",
                "quoted_on",
                "quoted_by",
            ]
        )
        _audit(actor=actor, action="travel.price_quoted", travel_request=locked)
    return price


def do_set_fare_cash_price(
    *, actor: User, fare: TravelFare, cash_price: Decimal | None, currency: str
) -> TravelFare:
    """Set (or clear, with None) what one traveller's ticket for ``fare`` costs in cash."""
    with transaction.atomic():
        locked = _touch(fare.option.request)
        fare.cash_price = cash_price
        fare.cash_currency = currency.upper() if cash_price is not None else ""
        fare.save(update_fields=["cash_price", "cash_currency"])
        _audit(actor=actor, action="travel.fare_cash_price_set", travel_request=locked)
    return fare


def do_set_travel_request_state(
    *, actor: User, travel_request: TravelRequest, state: str
) -> TravelRequest:
    """Open the request for allocation, take it back to draft, or withdraw it (checked by
    ``check_set_travel_request_state``; opening is checked again under the case's lock)."""
    with transaction.atomic():
        lock_case(case=travel_request.case)
        locked = _touch(travel_request)
        if state == TravelRequestState.OPEN:
            _check_travellers_free(travel_request=locked)
        locked.state = state
        locked.save(update_fields=["state"])
        _audit(actor=actor, action=f"travel.request_{state}", travel_request=locked)
    travel_request.state = state
    return locked


def do_record_travel_request_view(
    *, actor: User, travel_request: TravelRequest, decrypted: bool
) -> None:
    """Audit a reading of the request page (travellers' names shown or not)."""
    with transaction.atomic():
        _audit(
            actor=actor,
            action="travel.request_viewed" + ("_decrypted" if decrypted else ""),
            travel_request=travel_request,
        )


# Who can book what ---------------------------------------------------------------------------


def _audit_partnership(*, actor: User, action: str, reference: str) -> None:
    record_audit_event(
        actor_ref=str(actor.public_id),
        action=action,
        object_type="partnership",
        object_ref=reference,
    )


def do_save_program_carrier(*, actor: User, row: ProgramCarrier) -> ProgramCarrier:
    """Store a program's own or partner carrier (validated by its form)."""
    with transaction.atomic():
        row.save()
        _audit_partnership(
            actor=actor,
            action="travel.program_carrier_saved",
            reference=f"{row.program.code}:{row.carrier}",
        )
    return row


def do_save_alliance_membership(*, actor: User, row: AllianceMembership) -> AllianceMembership:
    """Store an alliance member (validated by its form)."""
    with transaction.atomic():
        row.save()
        _audit_partnership(
            actor=actor,
            action="travel.alliance_membership_saved",
            reference=f"{row.alliance.code}:{row.carrier}",
        )
    return row


def do_remove_program_carrier(*, actor: User, row: ProgramCarrier) -> None:
    with transaction.atomic():
        reference = f"{row.program.code}:{row.carrier}"
        row.delete()
        _audit_partnership(
            actor=actor, action="travel.program_carrier_removed", reference=reference
        )


def do_remove_alliance_membership(*, actor: User, row: AllianceMembership) -> None:
    with transaction.atomic():
        reference = f"{row.alliance.code}:{row.carrier}"
        row.delete()
        _audit_partnership(
            actor=actor, action="travel.alliance_membership_removed", reference=reference
        )


# Award charts ----------------------------------------------------------------------------------


def do_save_award_chart(
    *,
    actor: User,
    chart_form: AwardChartForm,
    formsets: Sequence[BaseInlineFormSet[Any, AwardChart, Any]],
) -> AwardChart:
    """Save a program's chart and its rows (forms already valid) in one transaction;
    :class:`InvalidAwardChart` (nothing saved) when the result cannot price anything."""
    with transaction.atomic():
        chart = chart_form.save()
        for formset in formsets:
            formset.instance = chart
            formset.save()
        stored = (
            AwardChart.objects.select_related("program")
            .prefetch_related("bands", "zones", "zone_prices", "cash_rules")
            .get(pk=chart.pk)
        )
        try:
            program_pricing(stored)
        except ValueError:
            raise InvalidAwardChart from None  # leaving the block rolls everything back
        _audit_partnership(
            actor=actor, action="travel.award_chart_saved", reference=stored.program.code
        )
    return chart


# Catalogue maintainers (decision 0017) ----------------------------------------------------------

CATALOGUE_MAINTAINERS_GROUP = "Catalogue maintainers"
"""The Django group holding ``travel.maintain_catalogue``; no organisation role grants it."""


def _maintainers_group() -> Group:
    group, _created = Group.objects.get_or_create(name=CATALOGUE_MAINTAINERS_GROUP)
    permission = Permission.objects.get(
        content_type__app_label="travel", codename="maintain_catalogue"
    )
    group.permissions.add(permission)
    return group


def check_grant_catalogue_maintainer(*, email: str) -> User:
    """The active staff member with ``email`` who holds a membership somewhere."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None or not user.memberships.exists():
        raise MaintainerNotFound
    return user


def do_grant_catalogue_maintainer(*, user: User) -> bool:
    """Let ``user`` maintain the network-wide catalogue; False if they already could."""
    with transaction.atomic():
        group = _maintainers_group()
        if user.groups.filter(pk=group.pk).exists():
            return False
        user.groups.add(group)
        record_audit_event(
            actor_ref=SYSTEM_ACTOR,
            action="travel.catalogue_maintainer_granted",
            object_type="user",
            object_ref=str(user.public_id),
        )
    return True


def do_revoke_catalogue_maintainer(*, user: User) -> bool:
    """Take the catalogue away from ``user``; False if they did not hold it."""
    with transaction.atomic():
        group = Group.objects.filter(name=CATALOGUE_MAINTAINERS_GROUP).first()
        if group is None or not user.groups.filter(pk=group.pk).exists():
            return False
        user.groups.remove(group)
        record_audit_event(
            actor_ref=SYSTEM_ACTOR,
            action="travel.catalogue_maintainer_revoked",
            object_type="user",
            object_ref=str(user.public_id),
        )
    return True

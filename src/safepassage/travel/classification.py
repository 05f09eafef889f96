"""SR-01 for the travel app: every model field is classified, in code.

- ``public``: reference data anyone may know (airports, airlines, routes, alliances, program
  carriers, award charts and their sources);
- ``workflow``: clear and non-identifying (SR-02): public ids and internal references, states,
  party size, airport and country codes, dates to the day, prices in miles and cash.

The travel app stores no sensitive value: travellers are references to household members
(whose identity is sealed in the cases app), and excluded transit countries are a search
parameter that is never stored. ``tests/travel/test_classification.py`` fails for an
unclassified field.
"""

from safepassage.core.classification import FieldClass

__all__ = ["FIELD_CLASSES", "FieldClass"]  # tests import FieldClass from here

P, W = FieldClass.PUBLIC, FieldClass.WORKFLOW

FIELD_CLASSES: dict[str, dict[str, FieldClass]] = {
    "Airport": dict.fromkeys(
        ("id", "code", "icao", "name", "city", "country", "latitude", "longitude", "timezone"), P
    ),
    "Airline": dict.fromkeys(
        ("id", "openflights_id", "name", "alias", "iata", "icao", "callsign", "country", "active"),
        P,
    ),
    "Route": dict.fromkeys(
        ("id", "carrier", "airline_openflights_id", "origin", "destination", "codeshare", "stops"),
        P,
    ),
    "RouteImport": dict.fromkeys(
        ("id", "imported_at", "label", "airlines", "routes", "warnings"), P
    ),
    "CarrierAlliance": dict.fromkeys(("id", "code", "name"), P),
    "AllianceMembership": dict.fromkeys(
        ("id", "alliance", "carrier", "suspended", "source", "as_of", "verified"), P
    ),
    "ProgramCarrier": dict.fromkeys(
        ("id", "program", "carrier", "relation", "source", "as_of", "verified"), P
    ),
    "AwardChart": dict.fromkeys(
        (
            "id",
            "program",
            "name",
            "kind",
            "multi_segment",
            "multi_segment_source",
            "fixed_miles",
            "short_haul_max_miles",
            "route_type_source",
            "currency",
            "source",
            "as_of",
            "verified",
        ),
        P,
    ),
    "ChartBand": dict.fromkeys(("id", "chart", "min_miles", "max_miles", "miles"), P),
    "ChartZone": dict.fromkeys(
        ("id", "chart", "name", "countries", "source", "as_of", "verified"), P
    ),
    "ChartZonePrice": dict.fromkeys(
        ("id", "chart", "origin_zone", "destination_zone", "miles", "one_way_only"), P
    ),
    "CashRule": dict.fromkeys(
        (
            "id",
            "chart",
            "route_type",
            "origin_countries",
            "taxes",
            "carrier_surcharge",
            "source",
            "as_of",
            "verified",
        ),
        P,
    ),
    "TravelRequest": dict.fromkeys(
        (
            "id",
            "public_id",
            "case",
            "state",
            "party_size",
            "origin",
            "earliest_departure",
            "latest_departure",
            "max_connections",
            "minimum_connection_minutes",
            "created_on",
            "changed_on",
        ),
        W,
    ),
    "TravelRequestTraveller": dict.fromkeys(("id", "request", "household_member"), W),
    "TravelRequestDestination": dict.fromkeys(("id", "request", "country"), W),
    "TravelOption": dict.fromkeys(
        (
            "id",
            "public_id",
            "request",
            "position",
            "airports",
            "source",
            "minimum_journey_minutes",
            "distance_miles",
        ),
        W,
    ),
    "TravelFare": dict.fromkeys(
        (
            "id",
            "public_id",
            "option",
            "position",
            "airports",
            "carriers",
            "distance_miles",
            "cash_price",
            "cash_currency",
        ),
        W,
    ),
    "FarePrice": {
        **dict.fromkeys(
            (
                "id",
                "public_id",
                "fare",
                "program",
                "miles",
                "taxes",
                "taxes_known",
                "currency",
                "basis",
                "estimated_miles",
                "estimated_taxes",
                "quoted_on",
                "quoted_by",
            ),
            W,
        ),
        "sources": P,
    },
}

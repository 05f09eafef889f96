"""Models of the travel app: the flight network, who can book what, travel requests."""

from safepassage.travel.models.booking import (
    AllianceMembership,
    CarrierAlliance,
    CarrierRelation,
    ProgramCarrier,
)
from safepassage.travel.models.network import Airline, Airport, Route, RouteImport
from safepassage.travel.models.pricing import (
    AwardChart,
    CashRule,
    ChartBand,
    ChartKind,
    ChartZone,
    ChartZonePrice,
    MultiSegment,
    RouteType,
)
from safepassage.travel.models.requests import (
    FarePrice,
    OptionSource,
    PriceBasis,
    TravelFare,
    TravelOption,
    TravelRequest,
    TravelRequestDestination,
    TravelRequestState,
    TravelRequestTraveller,
)

__all__ = [
    "Airline",
    "Airport",
    "AllianceMembership",
    "AwardChart",
    "CarrierAlliance",
    "CarrierRelation",
    "CashRule",
    "ChartBand",
    "ChartKind",
    "ChartZone",
    "ChartZonePrice",
    "FarePrice",
    "MultiSegment",
    "OptionSource",
    "PriceBasis",
    "ProgramCarrier",
    "Route",
    "RouteImport",
    "RouteType",
    "TravelFare",
    "TravelOption",
    "TravelRequest",
    "TravelRequestDestination",
    "TravelRequestState",
    "TravelRequestTraveller",
]

"""What the pricing core needs to know about one flight segment of a ticket."""

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True, kw_only=True)
class PricingSegment:
    """One flown segment: airport codes, ISO 3166-1 country codes, great-circle distance.

    ``distance_miles`` is statute miles as computed by the caller (the routing core's
    great-circle function); charts round it to the nearest whole mile before banding.
    """

    origin: str
    destination: str
    origin_country: str
    destination_country: str
    distance_miles: float


class RouteType(StrEnum):
    """The kind of route a tax or surcharge rule applies to."""

    DOMESTIC = "domestic"
    SHORT_HAUL = "short_haul"
    LONG_HAUL = "long_haul"


def whole_miles(distance_miles: float) -> int:
    """Round a distance to whole miles, halves up (charts band on whole miles)."""
    return int(distance_miles + 0.5)


def classify_segment(*, segment: PricingSegment, short_haul_max_miles: int) -> RouteType:
    """Domestic when both ends are in one country, else short- or long-haul by distance."""
    if segment.origin_country == segment.destination_country:
        return RouteType.DOMESTIC
    if whole_miles(segment.distance_miles) <= short_haul_max_miles:
        return RouteType.SHORT_HAUL
    return RouteType.LONG_HAUL

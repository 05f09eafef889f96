"""Award charts as data: distance bands, zone (region) charts and fixed estimates.

Every chart carries the :class:`SourceNote` of the facts it encodes. A chart answers one
question: how many miles does this program ask for this ticket (one passenger, one way, one
cabin and season: a program with several cabins or seasons has one chart for each)?
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from safepassage.core.pricing.errors import NoSegmentsError, OutsideChartError
from safepassage.core.pricing.segments import PricingSegment, whole_miles
from safepassage.core.pricing.sources import SourceNote


class MultiSegmentRule(StrEnum):
    """How a distance chart prices a ticket with connections (it differs per program)."""

    PER_SEGMENT = "per_segment"
    """Each flown segment is banded on its own distance and the prices are added."""
    TOTAL_DISTANCE = "total_distance"
    """The segment distances are added and the total is banded once."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DistanceBand:
    """Miles asked for a distance from ``min_miles`` to ``max_miles`` inclusive (whole miles).

    ``max_miles`` None means "and beyond".
    """

    min_miles: int
    max_miles: int | None
    miles: int

    def covers(self, distance: int) -> bool:
        """Whether a whole-mile distance falls in this band."""
        return distance >= self.min_miles and (self.max_miles is None or distance <= self.max_miles)


@dataclass(frozen=True, slots=True, kw_only=True)
class DistanceBandChart:
    """A chart priced by great-circle distance bands.

    ``multi_segment_source`` backs the multi-segment rule when ``source`` does not.
    Bands must be sorted, contiguous and non-overlapping (checked on creation). A distance
    beyond the last band raises :class:`OutsideChartError`: the chart is incomplete there,
    and a coordinator must quote the price.
    """

    name: str
    bands: tuple[DistanceBand, ...]
    multi_segment: MultiSegmentRule
    source: SourceNote
    multi_segment_source: SourceNote | None = None

    def __post_init__(self) -> None:
        if not self.bands:
            raise ValueError(f"chart {self.name!r} has no bands")
        for previous, band in zip(self.bands, self.bands[1:], strict=False):
            if previous.max_miles is None or band.min_miles != previous.max_miles + 1:
                raise ValueError(f"chart {self.name!r}: bands are not contiguous")

    def miles_for_distance(self, *, distance_miles: float) -> int:
        """Miles for one banded distance."""
        distance = max(whole_miles(distance_miles), self.bands[0].min_miles)
        for band in self.bands:
            if band.covers(distance):
                return band.miles
        raise OutsideChartError(f"{distance} mi is beyond chart {self.name!r}")

    def miles_for(self, *, segments: Sequence[PricingSegment]) -> int:
        """Miles for a ticket made of ``segments``, following :attr:`multi_segment`."""
        if not segments:
            raise NoSegmentsError("nothing to price")
        if self.multi_segment is MultiSegmentRule.TOTAL_DISTANCE:
            total = sum(segment.distance_miles for segment in segments)
            return self.miles_for_distance(distance_miles=total)
        return sum(
            self.miles_for_distance(distance_miles=segment.distance_miles) for segment in segments
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Zone:
    """A named region of a zone chart and the ISO 3166-1 countries in it."""

    name: str
    countries: frozenset[str]
    source: SourceNote


@dataclass(frozen=True, slots=True, kw_only=True)
class ZonePrice:
    """Miles from one zone to another (both directions unless ``one_way_only``)."""

    origin_zone: str
    destination_zone: str
    miles: int
    one_way_only: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneChart:
    """A chart priced by the zones of a ticket's first origin and last destination.

    Connections do not change the price (the usual rule of region charts).
    """

    name: str
    zones: tuple[Zone, ...]
    prices: tuple[ZonePrice, ...]
    source: SourceNote

    def zone_of(self, *, country: str) -> str:
        """The zone a country belongs to."""
        for zone in self.zones:
            if country in zone.countries:
                return zone.name
        raise OutsideChartError(f"country {country!r} is in no zone of chart {self.name!r}")

    def miles_for(self, *, segments: Sequence[PricingSegment]) -> int:
        """Miles for a ticket from the first segment's origin to the last one's destination."""
        if not segments:
            raise NoSegmentsError("nothing to price")
        origin = self.zone_of(country=segments[0].origin_country)
        destination = self.zone_of(country=segments[-1].destination_country)
        for price in self.prices:
            if price.origin_zone == origin and price.destination_zone == destination:
                return price.miles
            if (
                not price.one_way_only
                and price.origin_zone == destination
                and price.destination_zone == origin
            ):
                return price.miles
        raise OutsideChartError(f"chart {self.name!r} has no price {origin} -> {destination}")


@dataclass(frozen=True, slots=True, kw_only=True)
class FixedEstimate:
    """One figure for any ticket: for dynamic programs, replaced by a coordinator's quote."""

    name: str
    miles: int
    source: SourceNote

    def miles_for(self, *, segments: Sequence[PricingSegment]) -> int:
        """The fixed figure (``segments`` must not be empty)."""
        if not segments:
            raise NoSegmentsError("nothing to price")
        return self.miles


type AwardChart = DistanceBandChart | ZoneChart | FixedEstimate

"""Seed pricing data taken from public sources (see docs/PROGRAMS.md and docs/DOMAIN.md).

Each figure carries its source and as-of date. Programs change their charts often: the Django
layer seeds its editable catalogue from here, catalogue maintainers correct it, and every
estimate made from it is replaced by a coordinator's quote before a booking.
"""

from datetime import date
from decimal import Decimal

from safepassage.core.money import Money
from safepassage.core.pricing.awards import CashRule, ProgramPricing
from safepassage.core.pricing.charts import (
    DistanceBand,
    DistanceBandChart,
    FixedEstimate,
    MultiSegmentRule,
    Zone,
    ZoneChart,
    ZonePrice,
)
from safepassage.core.pricing.segments import RouteType
from safepassage.core.pricing.sources import SourceNote

_BA_CHART_SOURCE = SourceNote(
    citation=(
        "thepointsguy.co.uk/guide/maximizing-british-airways-award-chart/ (21 Feb 2020): "
        "BA-operated, economy one-way, off-peak/peak; higher bands not encoded"
    ),
    as_of=date(2020, 2, 21),
)
_BA_PER_SEGMENT_SOURCE = SourceNote(
    citation=(
        "awardguru.com/blog/?p=425 (2011): 'Flight distance are for each segment in your "
        "itinerary and not for the itinerary'"
    ),
    as_of=date(2011, 11, 16),
)
_BA_SHORT_HAUL_SOURCE = SourceNote(
    citation=(
        "aviosuk.co.uk/zones (DOMAIN.md): Reward Flight Saver covers zones 1-3, i.e. up to "
        "2,000 mi; travellingonpoints.com/article/airlines/british-airways/"
        "what-is-ba-reward-flight-saver/ (n/d): sector distance under 2,000 miles"
    ),
    as_of=date(2026, 11, 24),
)
_BA_RFS_SOURCE = SourceNote(
    citation=(
        "headforpoints.com/2018/01/05/how-to-book-avios-reward-flight-saver/ (5 Jan 2018) and "
        "travellingonpoints.com (n/d): Reward Flight Saver caps economy taxes and charges at "
        "GBP 35 return, priced per flight; encoded as GBP 17.50 per flight"
    ),
    as_of=date(2018, 1, 5),
)


def _ba_economy_chart(*, name: str, miles: tuple[int, int, int, int]) -> DistanceBandChart:
    limits = ((1, 650), (651, 1151), (1152, 2000), (2001, 3000))
    return DistanceBandChart(
        name=name,
        bands=tuple(
            DistanceBand(min_miles=low, max_miles=high, miles=price)
            for (low, high), price in zip(limits, miles, strict=True)
        ),
        multi_segment=MultiSegmentRule.PER_SEGMENT,
        source=_BA_CHART_SOURCE,
        multi_segment_source=_BA_PER_SEGMENT_SOURCE,
    )


BRITISH_AIRWAYS_ECONOMY_OFF_PEAK = _ba_economy_chart(
    name="British Airways economy off-peak (BA-operated)", miles=(4000, 6500, 8500, 10000)
)
BRITISH_AIRWAYS_ECONOMY_PEAK = _ba_economy_chart(
    name="British Airways economy peak (BA-operated)", miles=(4500, 7500, 10000, 12500)
)

_BA_RFS = Money(amount=Decimal("17.50"), currency="GBP")


def british_airways_pricing(*, peak: bool) -> ProgramPricing:
    """BA Executive Club economy, BA-operated flights, with Reward Flight Saver cash.

    Long-haul cash (taxes plus carrier surcharges, "can add hundreds") has no sourced figure,
    so long-haul segments show as uncharged.
    """
    rfs = CashRule(
        route_type=RouteType.SHORT_HAUL,
        taxes=_BA_RFS,
        carrier_surcharge=Money.zero(currency="GBP"),
        source=_BA_RFS_SOURCE,
    )
    return ProgramPricing(
        program="BA",
        chart=BRITISH_AIRWAYS_ECONOMY_PEAK if peak else BRITISH_AIRWAYS_ECONOMY_OFF_PEAK,
        short_haul_max_miles=2000,
        currency="GBP",
        cash_rules=(
            rfs,
            CashRule(
                route_type=RouteType.DOMESTIC,
                taxes=_BA_RFS,
                carrier_surcharge=Money.zero(currency="GBP"),
                source=_BA_RFS_SOURCE,
            ),
        ),
        route_type_source=_BA_SHORT_HAUL_SOURCE,
    )


ETIHAD_ECONOMY = DistanceBandChart(
    name="Etihad Guest economy, Etihad-operated",
    bands=(
        DistanceBand(min_miles=0, max_miles=500, miles=7000),
        DistanceBand(min_miles=501, max_miles=1000, miles=11000),
        DistanceBand(min_miles=1001, max_miles=1500, miles=13000),
        DistanceBand(min_miles=1501, max_miles=2000, miles=17000),
        DistanceBand(min_miles=2001, max_miles=2500, miles=22000),
        DistanceBand(min_miles=2501, max_miles=3000, miles=27000),
        DistanceBand(min_miles=3001, max_miles=4000, miles=32000),
        DistanceBand(min_miles=4001, max_miles=5000, miles=37000),
        DistanceBand(min_miles=5001, max_miles=6000, miles=45000),
        DistanceBand(min_miles=6001, max_miles=None, miles=60000),
    ),
    multi_segment=MultiSegmentRule.PER_SEGMENT,
    source=SourceNote(
        citation="milelion.com/2023/03/08/etihad-guests-new-award-charts-bye-bye-sweet-spots/",
        as_of=date(2023, 3, 8),
    ),
    multi_segment_source=SourceNote(
        citation="not found: per-segment pricing assumed", as_of=date(2026, 11, 24), verified=False
    ),
)

_TURKISH_SOURCE = SourceNote(
    citation=(
        "turkishairlines.com/pt-int/miles-and-smiles/redeem-miles/redeem-miles-on-flights/"
        "turkish-airlines-award-tickets (n/d, read 2026-11-24): one-way economy Promotion "
        "Award from Türkiye"
    ),
    as_of=date(2026, 11, 24),
)

TURKISH_PROMOTION_ECONOMY_FROM_TURKIYE = ZoneChart(
    name="Turkish Miles&Smiles Promotion Award economy, from Türkiye",
    zones=(
        Zone(name="Türkiye", countries=frozenset({"TR"}), source=_TURKISH_SOURCE),
        Zone(
            name="North America",
            countries=frozenset({"US", "CA"}),
            source=SourceNote(
                citation="zone membership from general knowledge",
                as_of=date(2026, 11, 24),
                verified=False,
            ),
        ),
    ),
    prices=(
        ZonePrice(origin_zone="Türkiye", destination_zone="Türkiye", miles=4500),
        ZonePrice(
            origin_zone="Türkiye", destination_zone="North America", miles=40000, one_way_only=True
        ),
    ),
    source=_TURKISH_SOURCE,
)

UNITED_LOWEST_LEVEL = FixedEstimate(
    name="United MileagePlus lowest level (dynamic pricing: quote required)",
    miles=5600,
    source=SourceNote(
        citation=(
            "businesstravelerusa.com/news/united-introduces-mileageplus-mile-pooling/ "
            "(25 Mar 2024): 'United award flights start at 5,600 miles'"
        ),
        as_of=date(2024, 3, 25),
    ),
)

"""Award charts against worked examples from their sources (see pricing/catalogue.py)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safepassage.core.pricing import (
    DistanceBand,
    DistanceBandChart,
    FixedEstimate,
    MultiSegmentRule,
    OutsideChartError,
    PricingSegment,
    SourceNote,
    Zone,
    ZoneChart,
    ZonePrice,
)
from safepassage.core.pricing.catalogue import (
    BRITISH_AIRWAYS_ECONOMY_OFF_PEAK,
    BRITISH_AIRWAYS_ECONOMY_PEAK,
    ETIHAD_ECONOMY,
    TURKISH_PROMOTION_ECONOMY_FROM_TURKIYE,
    UNITED_LOWEST_LEVEL,
)
from safepassage.core.pricing.errors import NoSegmentsError

SOURCE = SourceNote(citation="test", as_of=date(2026, 11, 25))


def segment(
    distance: float, origin_country: str = "GB", destination_country: str = "FR"
) -> PricingSegment:
    return PricingSegment(
        origin="AAA",
        destination="BBB",
        origin_country=origin_country,
        destination_country=destination_country,
        distance_miles=distance,
    )


# DOMAIN.md / thepointsguy.co.uk 2020: 1-650 4,000/4,500; 651-1,151 6,500/7,500;
# 1,152-2,000 8,500/10,000; 2,001-3,000 10,000/12,500 (economy off-peak/peak, one way).
@pytest.mark.parametrize(
    ("distance", "off_peak", "peak"),
    [
        (1, 4000, 4500),
        (650, 4000, 4500),
        (650.49, 4000, 4500),
        (650.5, 6500, 7500),
        (651, 6500, 7500),
        (1151, 6500, 7500),
        (1152, 8500, 10000),
        (2000, 8500, 10000),
        (2001, 10000, 12500),
        (3000, 10000, 12500),
    ],
)
def test_british_airways_distance_bands(distance: float, off_peak: int, peak: int) -> None:
    assert BRITISH_AIRWAYS_ECONOMY_OFF_PEAK.miles_for(segments=[segment(distance)]) == off_peak
    assert BRITISH_AIRWAYS_ECONOMY_PEAK.miles_for(segments=[segment(distance)]) == peak


def test_british_airways_beyond_encoded_bands_needs_a_quote() -> None:
    with pytest.raises(OutsideChartError):
        BRITISH_AIRWAYS_ECONOMY_OFF_PEAK.miles_for(segments=[segment(3001)])


def test_british_airways_prices_each_segment() -> None:
    # Given the awardguru.com (2011) example DTW-ORD-LAS: 235 + 1,514 miles, priced per segment
    segments = [segment(235), segment(1514)]
    # Then each segment is banded on its own: 4,000 + 8,500 off-peak, not 8,500 for 1,749 mi
    assert BRITISH_AIRWAYS_ECONOMY_OFF_PEAK.miles_for(segments=segments) == 12500


def test_total_distance_rule_bands_the_sum() -> None:
    chart = DistanceBandChart(
        name="total",
        bands=BRITISH_AIRWAYS_ECONOMY_OFF_PEAK.bands,
        multi_segment=MultiSegmentRule.TOTAL_DISTANCE,
        source=SOURCE,
    )
    assert chart.miles_for(segments=[segment(235), segment(1514)]) == 8500


# milelion.com 2023-03-08: Etihad economy 0-500 7K, 501-1,000 11K, ..., 6,001+ 60K.
@pytest.mark.parametrize(
    ("distance", "miles"),
    [(0, 7000), (500, 7000), (501, 11000), (2500, 22000), (5999, 45000), (6001, 60000)],
)
def test_etihad_distance_bands(distance: float, miles: int) -> None:
    assert ETIHAD_ECONOMY.miles_for(segments=[segment(distance)]) == miles


def test_etihad_open_ended_top_band() -> None:
    assert ETIHAD_ECONOMY.miles_for(segments=[segment(9000)]) == 60000


def test_etihad_multi_segment_rule_is_marked_unverified() -> None:
    assert ETIHAD_ECONOMY.multi_segment_source is not None
    assert not ETIHAD_ECONOMY.multi_segment_source.verified


@pytest.mark.parametrize(
    ("origin", "destination", "miles"),
    [("TR", "TR", 4500), ("TR", "US", 40000), ("TR", "CA", 40000)],
)
def test_turkish_zone_chart_from_turkiye(origin: str, destination: str, miles: int) -> None:
    chart = TURKISH_PROMOTION_ECONOMY_FROM_TURKIYE
    assert chart.miles_for(segments=[segment(500, origin, destination)]) == miles


def test_zone_chart_prices_the_ticket_ends_not_the_connections() -> None:
    chart = TURKISH_PROMOTION_ECONOMY_FROM_TURKIYE
    segments = [segment(300, "TR", "TR"), segment(5000, "TR", "US"), segment(900, "US", "CA")]
    assert chart.miles_for(segments=segments) == 40000


@pytest.mark.parametrize(
    ("origin", "destination"),
    [("US", "TR"), ("TR", "DE"), ("RU", "TR")],
    ids=["one-way-only price", "zone without countries", "country in no zone"],
)
def test_zone_chart_without_a_price_raises(origin: str, destination: str) -> None:
    with pytest.raises(OutsideChartError):
        TURKISH_PROMOTION_ECONOMY_FROM_TURKIYE.miles_for(
            segments=[segment(1000, origin, destination)]
        )


def test_zone_price_applies_both_ways_by_default() -> None:
    chart = ZoneChart(
        name="two zones",
        zones=(
            Zone(name="A", countries=frozenset({"RU"}), source=SOURCE),
            Zone(name="B", countries=frozenset({"CA"}), source=SOURCE),
        ),
        prices=(ZonePrice(origin_zone="A", destination_zone="B", miles=40000),),
        source=SOURCE,
    )
    assert chart.miles_for(segments=[segment(5000, "CA", "RU")]) == 40000


def test_fixed_estimate_ignores_distance() -> None:
    assert UNITED_LOWEST_LEVEL.miles_for(segments=[segment(9000)]) == 5600


@pytest.mark.parametrize(
    "chart",
    [BRITISH_AIRWAYS_ECONOMY_OFF_PEAK, TURKISH_PROMOTION_ECONOMY_FROM_TURKIYE, UNITED_LOWEST_LEVEL],
)
def test_empty_ticket_is_refused(chart: DistanceBandChart | ZoneChart | FixedEstimate) -> None:
    with pytest.raises(NoSegmentsError):
        chart.miles_for(segments=[])


def test_bands_must_be_contiguous() -> None:
    with pytest.raises(ValueError, match="contiguous"):
        DistanceBandChart(
            name="gap",
            bands=(
                DistanceBand(min_miles=1, max_miles=650, miles=1),
                DistanceBand(min_miles=700, max_miles=None, miles=2),
            ),
            multi_segment=MultiSegmentRule.PER_SEGMENT,
            source=SOURCE,
        )


@given(
    st.floats(min_value=0, max_value=3000, allow_nan=False),
    st.floats(min_value=0, max_value=3000, allow_nan=False),
)
def test_distance_charts_never_charge_less_for_a_longer_flight(a: float, b: float) -> None:
    shorter, longer = sorted((a, b))
    for chart in (BRITISH_AIRWAYS_ECONOMY_OFF_PEAK, BRITISH_AIRWAYS_ECONOMY_PEAK, ETIHAD_ECONOMY):
        assert chart.miles_for_distance(distance_miles=shorter) <= chart.miles_for_distance(
            distance_miles=longer
        )


def test_every_catalogue_fact_has_a_source_and_date() -> None:
    charts = (
        BRITISH_AIRWAYS_ECONOMY_OFF_PEAK,
        BRITISH_AIRWAYS_ECONOMY_PEAK,
        ETIHAD_ECONOMY,
        TURKISH_PROMOTION_ECONOMY_FROM_TURKIYE,
        UNITED_LOWEST_LEVEL,
    )
    notes = [chart.source for chart in charts]
    notes += [zone.source for zone in TURKISH_PROMOTION_ECONOMY_FROM_TURKIYE.zones]
    for note in notes:
        assert note.citation
        assert note.as_of <= date(2026, 11, 25)

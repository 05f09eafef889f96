"""Pricing a ticket for a program: miles from the chart, cash per route type, quotes."""

from datetime import date
from decimal import Decimal

import pytest

from safepassage.core.money import CurrencyMismatchError, Miles, Money
from safepassage.core.pricing import (
    CashRule,
    NoSegmentsError,
    PriceBasis,
    PricingSegment,
    ProgramPricing,
    QuotedPrice,
    RouteType,
    SourceNote,
    apply_quoted_price,
    classify_segment,
    price_ticket,
)
from safepassage.core.pricing.catalogue import UNITED_LOWEST_LEVEL, british_airways_pricing

SOURCE = SourceNote(citation="test", as_of=date(2026, 11, 25))


def segment(distance: float, origin: str = "GB", destination: str = "ES") -> PricingSegment:
    return PricingSegment(
        origin="LHR",
        destination="MAD",
        origin_country=origin,
        destination_country=destination,
        distance_miles=distance,
    )


@pytest.mark.parametrize(
    ("distance", "origin", "destination", "expected"),
    [
        (330, "GB", "GB", RouteType.DOMESTIC),
        (2500, "US", "US", RouteType.DOMESTIC),
        (773, "GB", "ES", RouteType.SHORT_HAUL),
        (2000, "GB", "GR", RouteType.SHORT_HAUL),
        (2001, "GB", "GE", RouteType.LONG_HAUL),
    ],
)
def test_route_type(distance: float, origin: str, destination: str, expected: RouteType) -> None:
    assert (
        classify_segment(segment=segment(distance, origin, destination), short_haul_max_miles=2000)
        is expected
    )


def test_british_airways_short_haul_pays_reward_flight_saver_per_flight() -> None:
    # Given LHR-MAD (about 773 mi) off-peak then MAD-ATH (about 1,471 mi)
    pricing = british_airways_pricing(peak=False)
    # When priced as one ticket
    price = price_ticket(pricing=pricing, segments=[segment(773), segment(1471, "ES", "GR")])
    # Then the chart prices each segment and RFS (GBP 35 return = 17.50 a flight) is due twice
    assert price.miles == Miles(amount=6500 + 8500, program="BA")
    assert price.cash == Money(amount=Decimal("35.00"), currency="GBP")
    assert price.basis is PriceBasis.CHART
    assert price.route_types == (RouteType.SHORT_HAUL, RouteType.SHORT_HAUL)
    assert price.uncharged_route_types == ()
    assert all(source.citation for source in price.sources)


def test_british_airways_long_haul_cash_is_shown_as_unknown() -> None:
    price = price_ticket(
        pricing=british_airways_pricing(peak=True), segments=[segment(2200, "GB", "GE")]
    )
    assert price.miles == Miles(amount=12500, program="BA")
    assert price.cash == Money.zero(currency="GBP")
    assert price.uncharged_route_types == (RouteType.LONG_HAUL,)


def test_fixed_estimate_is_an_estimate() -> None:
    pricing = ProgramPricing(
        program="UA", chart=UNITED_LOWEST_LEVEL, short_haul_max_miles=3000, currency="USD"
    )
    price = price_ticket(pricing=pricing, segments=[segment(4000, "TR", "US")])
    assert price.basis is PriceBasis.ESTIMATE
    assert price.miles == Miles(amount=5600, program="UA")


def test_taxes_and_surcharges_add_up_per_segment() -> None:
    pricing = ProgramPricing(
        program="XX",
        chart=UNITED_LOWEST_LEVEL,
        short_haul_max_miles=1500,
        currency="USD",
        cash_rules=(
            CashRule(
                route_type=RouteType.LONG_HAUL,
                taxes=Money(amount=Decimal("80.10"), currency="USD"),
                carrier_surcharge=Money(amount=Decimal("300"), currency="USD"),
                source=SOURCE,
            ),
            CashRule(
                route_type=RouteType.SHORT_HAUL,
                taxes=Money(amount=Decimal("25.55"), currency="USD"),
                carrier_surcharge=Money.zero(currency="USD"),
                source=SOURCE,
            ),
        ),
    )
    price = price_ticket(
        pricing=pricing, segments=[segment(600, "RU", "TR"), segment(5000, "TR", "CA")]
    )
    assert price.cash == Money(amount=Decimal("405.65"), currency="USD")


def test_cash_rules_must_be_in_the_program_currency() -> None:
    with pytest.raises(ValueError, match="cash rule in GBP"):
        ProgramPricing(
            program="XX",
            chart=UNITED_LOWEST_LEVEL,
            short_haul_max_miles=1500,
            currency="USD",
            cash_rules=(
                CashRule(
                    route_type=RouteType.LONG_HAUL,
                    taxes=Money(amount=Decimal(1), currency="GBP"),
                    carrier_surcharge=Money.zero(currency="GBP"),
                    source=SOURCE,
                ),
            ),
        )


def test_money_never_mixes_currencies() -> None:
    with pytest.raises(CurrencyMismatchError):
        _ = Money.zero(currency="GBP") + Money.zero(currency="USD")


def test_empty_ticket_is_refused() -> None:
    with pytest.raises(NoSegmentsError):
        price_ticket(pricing=british_airways_pricing(peak=False), segments=[])


def test_quote_overrides_estimate_and_keeps_it() -> None:
    # Given a chart estimate
    estimate = price_ticket(pricing=british_airways_pricing(peak=False), segments=[segment(773)])
    quote = QuotedPrice(
        miles=Miles(amount=7250, program="BA"),
        cash=Money(amount=Decimal("42.10"), currency="GBP"),
        quoted_on=date(2026, 11, 25),
        note="seen on ba.com",
    )
    # When a coordinator quotes, then re-quotes
    quoted = apply_quoted_price(estimate=estimate, quote=quote)
    requoted = apply_quoted_price(
        estimate=quoted,
        quote=QuotedPrice(
            miles=Miles(amount=8000, program="BA"),
            cash=Money(amount=Decimal("42.10"), currency="GBP"),
            quoted_on=date(2026, 11, 26),
        ),
    )
    # Then the quote is the price, and the original chart estimate is kept for comparison
    assert quoted.basis is PriceBasis.QUOTED
    assert quoted.miles == Miles(amount=7250, program="BA")
    assert quoted.quote == quote
    assert quoted.replaced_estimate == estimate
    assert requoted.miles == Miles(amount=8000, program="BA")
    assert requoted.replaced_estimate == estimate

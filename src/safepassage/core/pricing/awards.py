"""Price one award ticket for one program, and let a coordinator's quote replace the estimate.

A program's pricing is data (:class:`ProgramPricing`): one award chart, how to tell
domestic/short-haul/long-haul segments apart, and the cash due per segment by route type
(taxes and carrier-imposed surcharges), optionally only for flights departing named countries
(taxes follow the departure point). Cash rules apply per flown segment, which is how fixed
fees such as British Airways' Reward Flight Saver are charged ("priced per flight").
A price made from a chart is an estimate (:attr:`PriceBasis.CHART` when the chart is
published, :attr:`PriceBasis.ESTIMATE` for a fixed estimate); :func:`apply_quoted_price`
turns it into :attr:`PriceBasis.QUOTED` and keeps the estimate it replaced.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from safepassage.core.money import Miles, Money
from safepassage.core.pricing.charts import AwardChart, DistanceBandChart, FixedEstimate
from safepassage.core.pricing.errors import NoSegmentsError
from safepassage.core.pricing.segments import PricingSegment, RouteType, classify_segment
from safepassage.core.pricing.sources import SourceNote


@dataclass(frozen=True, slots=True, kw_only=True)
class CashRule:
    """Cash due per flown segment of ``route_type``: taxes plus carrier surcharge.

    ``origin_countries`` limits the rule to segments departing those ISO countries (taxes
    follow the departure point); empty means any departure no other rule of the same route
    type names.
    """

    route_type: RouteType
    taxes: Money
    carrier_surcharge: Money
    source: SourceNote
    origin_countries: frozenset[str] = frozenset()

    def applies_to(self, *, route_type: RouteType, origin_country: str) -> bool:
        """Whether this rule names ``origin_country`` for ``route_type`` (a scoped match)."""
        return self.route_type is route_type and origin_country in self.origin_countries


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgramPricing:
    """How one program prices an award ticket.

    ``currency`` is the currency of all cash rules. A segment with no cash rule for its route
    type and departure country costs no cash in the estimate (the price lists its route type
    in ``uncharged_route_types`` so staff can see the cash is "not known", never a zero).
    At most one rule per route type and departure country (one general rule per route type).
    """

    program: str
    chart: AwardChart
    short_haul_max_miles: int
    currency: str
    cash_rules: tuple[CashRule, ...] = ()
    route_type_source: SourceNote | None = None

    def __post_init__(self) -> None:
        covered: set[tuple[RouteType, str]] = set()
        for rule in self.cash_rules:
            for amount in (rule.taxes, rule.carrier_surcharge):
                if amount.currency != self.currency:
                    raise ValueError(
                        f"{self.program}: cash rule in {amount.currency}, program in "
                        f"{self.currency}"
                    )
            for country in rule.origin_countries or {""}:
                if (rule.route_type, country) in covered:
                    raise ValueError(
                        f"{self.program}: two cash rules for {rule.route_type.value} flights "
                        f"departing {country or 'anywhere else'}"
                    )
                covered.add((rule.route_type, country))

    def cash_rule_for(self, *, route_type: RouteType, origin_country: str) -> CashRule | None:
        """The rule naming the segment's departure country, else the route type's general
        rule, else None (no sourced figure: the cash is not known)."""
        general = None
        for rule in self.cash_rules:
            if rule.applies_to(route_type=route_type, origin_country=origin_country):
                return rule
            if rule.route_type is route_type and not rule.origin_countries:
                general = rule
        return general


class PriceBasis(StrEnum):
    """Where the figures of a price come from."""

    CHART = "chart"
    ESTIMATE = "estimate"
    QUOTED = "quoted"


@dataclass(frozen=True, slots=True, kw_only=True)
class QuotedPrice:
    """A price a coordinator saw when checking availability; it overrides the estimate."""

    miles: Miles
    cash: Money
    quoted_on: date
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class AwardPrice:
    """Miles and cash for one ticket of one program, with where the figures came from."""

    program: str
    miles: Miles
    cash: Money
    basis: PriceBasis
    route_types: tuple[RouteType, ...]
    sources: tuple[SourceNote, ...]
    uncharged_route_types: tuple[RouteType, ...] = ()
    quote: QuotedPrice | None = None
    replaced_estimate: "AwardPrice | None" = None


def price_ticket(*, pricing: ProgramPricing, segments: Sequence[PricingSegment]) -> AwardPrice:
    """Estimate one one-way award ticket made of ``segments`` (flown in order).

    Raises :class:`~safepassage.core.pricing.errors.OutsideChartError` when the chart has no
    price for the journey and :class:`NoSegmentsError` for an empty ticket.
    """
    if not segments:
        raise NoSegmentsError("nothing to price")
    miles = pricing.chart.miles_for(segments=segments)
    route_types = tuple(
        classify_segment(segment=segment, short_haul_max_miles=pricing.short_haul_max_miles)
        for segment in segments
    )
    cash = Money.zero(currency=pricing.currency)
    sources: list[SourceNote] = [pricing.chart.source]
    if isinstance(pricing.chart, DistanceBandChart) and pricing.chart.multi_segment_source:
        sources.append(pricing.chart.multi_segment_source)
    if pricing.route_type_source is not None:
        sources.append(pricing.route_type_source)
    uncharged: list[RouteType] = []
    for segment, route_type in zip(segments, route_types, strict=True):
        rule = pricing.cash_rule_for(route_type=route_type, origin_country=segment.origin_country)
        if rule is None:
            if route_type not in uncharged:
                uncharged.append(route_type)
            continue
        cash = cash + rule.taxes + rule.carrier_surcharge
        if rule.source not in sources:
            sources.append(rule.source)
    basis = PriceBasis.ESTIMATE if isinstance(pricing.chart, FixedEstimate) else PriceBasis.CHART
    return AwardPrice(
        program=pricing.program,
        miles=Miles(amount=miles, program=pricing.program),
        cash=cash,
        basis=basis,
        route_types=route_types,
        sources=tuple(sources),
        uncharged_route_types=tuple(uncharged),
    )


def apply_quoted_price(*, estimate: AwardPrice, quote: QuotedPrice) -> AwardPrice:
    """The price a coordinator quoted, keeping the estimate it replaces for comparison."""
    original = estimate.replaced_estimate if estimate.replaced_estimate is not None else estimate
    return AwardPrice(
        program=estimate.program,
        miles=quote.miles,
        cash=quote.cash,
        basis=PriceBasis.QUOTED,
        route_types=estimate.route_types,
        sources=estimate.sources,
        quote=quote,
        replaced_estimate=original,
    )

"""The award pricing the route finder uses: the stored charts as the pricing core's
:class:`ProgramPricing`, one per program code.

The rows (``travel.models.pricing``) were seeded from the sourced figures of
``safepassage.core.pricing.catalogue`` and PROGRAMS.md and are corrected by admins; every
estimate made from them is replaced by a coordinator's quote before a booking. Programs
without a chart get no estimate: their fares show as "not priced yet".
"""

from decimal import Decimal

from django.db.models import Prefetch

from safepassage.core.money import Money
from safepassage.core.pricing import (
    AwardChart as CoreChart,
)
from safepassage.core.pricing import (
    CashRule as CoreCashRule,
)
from safepassage.core.pricing import (
    DistanceBand,
    DistanceBandChart,
    FixedEstimate,
    MultiSegmentRule,
    ProgramPricing,
    SourceNote,
    Zone,
    ZoneChart,
    ZonePrice,
)
from safepassage.core.pricing import (
    RouteType as CoreRouteType,
)
from safepassage.travel.models import AwardChart, ChartBand, ChartKind


def _note(*, citation: str, chart: AwardChart) -> SourceNote | None:
    if not citation:
        return None
    return SourceNote(
        citation=citation,
        as_of=chart.as_of,
        verified=chart.verified and "unverified" not in citation.lower(),
    )


def _core_chart(chart: AwardChart) -> CoreChart:
    source = SourceNote(citation=chart.source, as_of=chart.as_of, verified=chart.verified)
    if chart.kind == ChartKind.DISTANCE_BANDS:
        return DistanceBandChart(
            name=chart.name,
            bands=tuple(
                DistanceBand(min_miles=band.min_miles, max_miles=band.max_miles, miles=band.miles)
                for band in chart.bands.all()
            ),
            multi_segment=MultiSegmentRule(chart.multi_segment),
            source=source,
            multi_segment_source=_note(citation=chart.multi_segment_source, chart=chart),
        )
    if chart.kind == ChartKind.ZONES:
        return ZoneChart(
            name=chart.name,
            zones=tuple(
                Zone(
                    name=zone.name,
                    countries=frozenset(zone.countries.upper().split()),
                    source=SourceNote(
                        citation=zone.source, as_of=zone.as_of, verified=zone.verified
                    ),
                )
                for zone in chart.zones.all()
            ),
            prices=tuple(
                ZonePrice(
                    origin_zone=price.origin_zone,
                    destination_zone=price.destination_zone,
                    miles=price.miles,
                    one_way_only=price.one_way_only,
                )
                for price in chart.zone_prices.all()
            ),
            source=source,
        )
    if chart.fixed_miles is None:
        raise ValueError(f"{chart.name}: a fixed estimate needs its miles")
    return FixedEstimate(name=chart.name, miles=chart.fixed_miles, source=source)


def program_pricing(chart: AwardChart) -> ProgramPricing:
    """One stored chart as the pricing core's value; ValueError when it is inconsistent
    (bands not contiguous, no miles for a fixed estimate, cash in another currency, two taxes
    rows for the same route type and departure country)."""

    def money(amount: Decimal) -> Money:
        return Money(amount=amount, currency=chart.currency)

    return ProgramPricing(
        program=chart.program.code,
        chart=_core_chart(chart),
        short_haul_max_miles=chart.short_haul_max_miles,
        currency=chart.currency,
        cash_rules=tuple(
            CoreCashRule(
                route_type=CoreRouteType(rule.route_type),
                taxes=money(rule.taxes),
                carrier_surcharge=money(rule.carrier_surcharge),
                source=SourceNote(citation=rule.source, as_of=rule.as_of, verified=rule.verified),
                origin_countries=frozenset(rule.origin_countries.upper().split()),
            )
            for rule in chart.cash_rules.all()
        ),
        route_type_source=_note(citation=chart.route_type_source, chart=chart),
    )


def load_program_pricing() -> dict[str, ProgramPricing]:
    """Every program's stored chart, by program code (inconsistent charts are left out)."""
    charts = AwardChart.objects.select_related("program").prefetch_related(
        Prefetch("bands", queryset=ChartBand.objects.order_by("min_miles")),
        "zones",
        "zone_prices",
        "cash_rules",
    )
    pricing: dict[str, ProgramPricing] = {}
    for chart in charts:
        try:
            pricing[chart.program.code] = program_pricing(chart)
        except ValueError:
            continue
    return pricing

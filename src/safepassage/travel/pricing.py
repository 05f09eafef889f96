"""The award pricing the route finder uses: one :class:`ProgramPricing` per program code.

The charts themselves are data in the framework-free catalogue
(``safepassage.core.pricing.catalogue``), each figure with its source and as-of date; this
module picks the one to use per program and adds fixed "from" estimates for programs that
price dynamically, taken from PROGRAMS.md with their sources. Every estimate is replaced by a
coordinator's quote before a booking (``FarePrice`` keeps the estimate it replaced).
Programs without an entry get no estimate: the fare shows them as "not priced yet".
"""

from datetime import date

from safepassage.core.pricing import FixedEstimate, ProgramPricing, SourceNote
from safepassage.core.pricing.catalogue import (
    ETIHAD_ECONOMY,
    TURKISH_PROMOTION_ECONOMY_FROM_TURKIYE,
    UNITED_LOWEST_LEVEL,
    british_airways_pricing,
)

_ROUTE_TYPES = SourceNote(
    citation="short haul up to 2,000 mi: BA's Reward Flight Saver limit, used for every program",
    as_of=date(2026, 11, 24),
    verified=False,
)


def _fixed(*, program: str, estimate: FixedEstimate) -> ProgramPricing:
    return ProgramPricing(
        program=program,
        chart=estimate,
        short_haul_max_miles=2000,
        currency="USD",
        route_type_source=_ROUTE_TYPES,
    )


def _estimate(*, name: str, miles: int, citation: str, as_of: date) -> FixedEstimate:
    return FixedEstimate(name=name, miles=miles, source=SourceNote(citation=citation, as_of=as_of))


PROGRAM_PRICING: dict[str, ProgramPricing] = {
    "BA": british_airways_pricing(peak=False),
    "EY": ProgramPricing(
        program="EY",
        chart=ETIHAD_ECONOMY,
        short_haul_max_miles=2000,
        currency="USD",
        route_type_source=_ROUTE_TYPES,
    ),
    "TK": ProgramPricing(
        program="TK",
        chart=TURKISH_PROMOTION_ECONOMY_FROM_TURKIYE,
        short_haul_max_miles=2000,
        currency="USD",
        route_type_source=_ROUTE_TYPES,
    ),
    "UA": _fixed(program="UA", estimate=UNITED_LOWEST_LEVEL),
    "AA": _fixed(
        program="AA",
        estimate=_estimate(
            name="American AAdvantage 'starting at' level (dynamic pricing: quote required)",
            miles=7500,
            citation=(
                "PROGRAMS.md [AA6] thepointsguy.com/news/american-airlines-drops-award-charts "
                "(5 Apr 2023): from 7,500 mi one-way within contiguous US/Canada"
            ),
            as_of=date(2023, 4, 5),
        ),
    ),
    "DL": _fixed(
        program="DL",
        estimate=_estimate(
            name="Delta SkyMiles minimum (dynamic pricing: quote required)",
            miles=5000,
            citation=(
                "PROGRAMS.md [D6] lendingtree.com/credit-cards/guides/delta-skymiles/ (n/d): "
                "'at least 5,000 SkyMiles per person'"
            ),
            as_of=date(2026, 11, 24),
        ),
    ),
    "FB": _fixed(
        program="FB",
        estimate=_estimate(
            name="Flying Blue economy within Europe 'normally from' (dynamic: quote required)",
            miles=10000,
            citation=(
                "PROGRAMS.md [FB4] skystatus.pro/guide/flying-blue-promo-rewards (27 Feb 2026): "
                "economy within Europe normally from 10,000"
            ),
            as_of=date(2026, 2, 27),
        ),
    ),
}

"""Award pricing: charts as data (distance bands, zones, fixed estimates), cash per route type,
and a coordinator's quote overriding an estimate. Framework-free; imports nothing outside
``safepassage.core``.
"""

from safepassage.core.pricing.awards import (
    AwardPrice,
    CashRule,
    PriceBasis,
    ProgramPricing,
    QuotedPrice,
    apply_quoted_price,
    price_ticket,
)
from safepassage.core.pricing.charts import (
    AwardChart,
    DistanceBand,
    DistanceBandChart,
    FixedEstimate,
    MultiSegmentRule,
    Zone,
    ZoneChart,
    ZonePrice,
)
from safepassage.core.pricing.errors import (
    NoSegmentsError,
    OutsideChartError,
    PricingError,
)
from safepassage.core.pricing.segments import (
    PricingSegment,
    RouteType,
    classify_segment,
    whole_miles,
)
from safepassage.core.pricing.sources import SourceNote

__all__ = [
    "AwardChart",
    "AwardPrice",
    "CashRule",
    "DistanceBand",
    "DistanceBandChart",
    "FixedEstimate",
    "MultiSegmentRule",
    "NoSegmentsError",
    "OutsideChartError",
    "PriceBasis",
    "PricingError",
    "PricingSegment",
    "ProgramPricing",
    "QuotedPrice",
    "RouteType",
    "SourceNote",
    "Zone",
    "ZoneChart",
    "ZonePrice",
    "apply_quoted_price",
    "classify_segment",
    "price_ticket",
    "whole_miles",
]

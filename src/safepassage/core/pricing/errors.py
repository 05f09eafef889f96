"""Errors of the pricing core. Each has a stable ``code`` for the layer that shows them."""


class PricingError(Exception):
    """Base of every pricing error."""

    code = "pricing_error"


class OutsideChartError(PricingError):
    """The chart has no price for this journey (distance beyond its bands, unknown zone)."""

    code = "outside_chart"


class NoSegmentsError(PricingError):
    """A ticket to price had no segments."""

    code = "no_segments"

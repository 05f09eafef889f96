"""Errors of the routing core. Each has a stable ``code`` for the layer that shows them."""


class RoutingError(Exception):
    """Base of every routing error."""

    code = "routing_error"


class UnknownAirportError(RoutingError):
    """An airport code is not in the flight graph (no known route touches it)."""

    code = "unknown_airport"

    def __init__(self, *, code: str) -> None:
        super().__init__(f"no route touches airport {code!r}")
        self.airport_code = code

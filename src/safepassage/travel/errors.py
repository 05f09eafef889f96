"""Typed errors of the travel app, each with a code and a translatable message."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safepassage.core.routing import LineError


class TravelError(Exception):
    code = "travel_error"
    message: str | Promise = _("Something went wrong with travel planning.")


class MalformedRouteFiles(TravelError):
    """The route files have malformed lines: nothing was imported. ``errors`` holds
    (file name, line error) pairs for the per-line report."""

    code = "malformed_route_files"
    message = _("The route files have malformed lines; nothing was imported.")

    def __init__(self, *, errors: list[tuple[str, LineError]]) -> None:
        super().__init__(str(self.message))
        self.errors = errors


class CaseNotPlanningTravel(TravelError):
    code = "case_not_planning_travel"
    message = _("Travel can be planned only for a case in the state “travel planned”.")


class TravellersRequired(TravelError):
    code = "travellers_required"
    message = _("Choose at least one traveller from the household.")


class TravellerNotInHousehold(TravelError):
    code = "traveller_not_in_household"
    message = _("A chosen traveller is not in this case's household.")


class DestinationsRequired(TravelError):
    code = "destinations_required"
    message = _("Choose at least one acceptable destination country.")


class TravelWindowInvalid(TravelError):
    code = "travel_window_invalid"
    message = _("The latest departure cannot be before the earliest departure.")


class TravelWindowOver(TravelError):
    code = "travel_window_over"
    message = _("The departure window is over: the latest departure is before today.")


class UnknownAirport(TravelError):
    code = "unknown_airport"
    message = _("No known airport has this code.")


class NoRoutesAtAirport(TravelError):
    code = "no_routes_at_airport"
    message = _("No imported route touches this airport: choose a nearby one with flights.")


class NoRoutesImported(TravelError):
    code = "no_routes_imported"
    message = _(
        "No routes are imported yet. An operator runs “safepassage import-routes DIR” first."
    )


class NoAirportInDestinations(TravelError):
    code = "no_airport_in_destinations"
    message = _(
        "No airport with routes is among the destinations (the origin itself does not count)."
    )


class DestinationAirportsWithoutRoutes(TravelError):
    """Destination airport codes the imported routes do not reach (unknown or no flights):
    named rather than dropped, so a typo does not make the results look complete."""

    code = "destination_airports_without_routes"

    def __init__(self, *, codes: list[str]) -> None:
        super().__init__()
        self.message = _(
            "No imported route reaches %(codes)s: check the codes, or choose airports with flights."
        ) % {"codes": " ".join(codes)}


class TravellerInAnotherOpenRequest(TravelError):
    code = "traveller_in_another_open_request"
    message = _(
        "A traveller of this request is already in another travel request open for "
        "allocation: the allocator would book them twice. Take that request back to draft, "
        "or withdraw it, first."
    )


class RequestNotEditable(TravelError):
    code = "request_not_editable"
    message = _("This travel request can no longer be changed.")


class InvalidItinerary(TravelError):
    code = "invalid_itinerary"
    message = _(
        "Write each ticket's airports separated by spaces and the tickets separated by "
        "“/”, for example “MCX IST / IST VNO”; consecutive tickets must meet at one airport."
    )


class ItineraryRepeatsAirport(InvalidItinerary):
    code = "itinerary_repeats_airport"
    message = _(
        "An option cannot visit an airport twice, or fly to the airport it is at: check the "
        "codes (where two tickets meet, write the airport at the end of one and the start "
        "of the next)."
    )


class CarriersDoNotMatchTickets(InvalidItinerary):
    code = "carriers_do_not_match_tickets"
    message = _(
        "Give one group of carriers per ticket, in the same order and separated by “/” "
        "(e.g. “TK / TK” for two tickets), or leave the carriers empty."
    )


class ProgramCannotBook(TravelError):
    code = "program_cannot_book"
    message = _("This program cannot book this fare.")


class InvalidAwardChart(TravelError):
    code = "invalid_award_chart"
    message = _(
        "This chart cannot price anything: distance bands must follow each other without gaps "
        "or overlaps, a fixed estimate needs its miles, and no two taxes rows may cover the same "
        "route type and departure country."
    )


class MaintainerNotFound(TravelError):
    """Operator command: no active staff member with that e-mail holds a membership."""

    code = "maintainer_not_found"
    message = _("No active staff member with this e-mail address holds a role in an organisation.")

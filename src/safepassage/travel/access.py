"""Permission-checked fetches of travel requests and their parts (SR-15, STYLE rule 4).

A travel request is reached through its case: ``user``'s role in the case's organisation must
grant ``permission`` and the user must work on the case (``cases.access.access_case``).
Missing and forbidden answer alike (404), at the same cost: the checks are part of the one
fetching query (SR-15).
"""

import uuid

from django.db.models import Exists, OuterRef
from django.http import Http404

from safepassage.accounts.models import User
from safepassage.cases.access import reachable_cases
from safepassage.cases.models import Case
from safepassage.donations.models import Program
from safepassage.travel.models import (
    AllianceMembership,
    FarePrice,
    ProgramCarrier,
    TravelFare,
    TravelOption,
    TravelRequest,
)


def access_travel_request(*, user: User, request_id: uuid.UUID, permission: str) -> TravelRequest:
    """The travel request, if ``user`` may ``permission`` on its case."""
    reachable = Case.objects.filter(pk=OuterRef("case")).filter(
        reachable_cases(user=user, permission=permission)
    )
    travel_request = (
        TravelRequest.objects.select_related("case__organisation")
        .filter(public_id=request_id)
        .filter(Exists(reachable))
        .first()
    )
    if travel_request is None:
        raise Http404
    return travel_request


def access_travel_option(
    *, user: User, request_id: uuid.UUID, option_id: uuid.UUID, permission: str
) -> TravelOption:
    """An option of a request ``user`` may ``permission`` (404 for another request's option)."""
    travel_request = access_travel_request(user=user, request_id=request_id, permission=permission)
    option = TravelOption.objects.filter(public_id=option_id, request=travel_request).first()
    if option is None:
        raise Http404
    option.request = travel_request
    return option


def access_fare_price(
    *, user: User, request_id: uuid.UUID, price_id: uuid.UUID, permission: str
) -> FarePrice:
    """A program's price of a fare of a request ``user`` may ``permission``."""
    travel_request = access_travel_request(user=user, request_id=request_id, permission=permission)
    price = (
        FarePrice.objects.select_related("fare__option", "program")
        .filter(public_id=price_id, fare__option__request=travel_request)
        .first()
    )
    if price is None:
        raise Http404
    price.fare.option.request = travel_request
    return price


def access_travel_fare(
    *, user: User, request_id: uuid.UUID, fare_id: uuid.UUID, permission: str
) -> TravelFare:
    """A fare of an option of a request ``user`` may ``permission``."""
    travel_request = access_travel_request(user=user, request_id=request_id, permission=permission)
    fare = (
        TravelFare.objects.select_related("option")
        .filter(public_id=fare_id, option__request=travel_request)
        .first()
    )
    if fare is None:
        raise Http404
    fare.option.request = travel_request
    return fare


def access_chart_program(*, user: User, program_code: str, permission: str) -> Program:
    """A program whose award chart ``user`` may edit. Charts are shared by every organisation,
    so ``permission`` is an instance-level one (``travel.maintain_catalogue``, granted by no
    organisation role; decision 0017)."""
    allowed = user.has_perm(permission)  # whether or not the program exists (SR-15)
    program = Program.objects.filter(code=program_code).first()
    if program is None or not allowed:
        raise Http404
    return program


def _is_ascii_number(text: str) -> bool:
    return text.isascii() and text.isdigit()


def access_catalogue_row(
    *, user: User, kind: str, row_id: str, permission: str
) -> ProgramCarrier | AllianceMembership:
    """A who-can-book row (``kind`` "program" or "alliance", ``row_id`` its key as posted)
    that ``user`` may change; 404 for a missing row, a malformed id or a user without the
    instance-level ``permission``."""
    # ASCII digits only: str.isdigit() also accepts superscripts (int() refuses them) and
    # Arabic-Indic digits (int() reads them as ASCII ones)
    if not user.has_perm(permission) or not _is_ascii_number(row_id) or len(row_id) > 18:
        raise Http404
    row: ProgramCarrier | AllianceMembership | None = None
    if kind == "program":
        row = ProgramCarrier.objects.filter(pk=int(row_id)).first()
    elif kind == "alliance":
        row = AllianceMembership.objects.filter(pk=int(row_id)).first()
    if row is None:
        raise Http404
    return row

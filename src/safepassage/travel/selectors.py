"""Reads of the travel app.

:func:`list_open_travel_requests` and :func:`allocation_request` are the contract with the
allocation and bookings work: an open request becomes one entry of the allocator problem's
``requests`` list exactly as ``ALLOCATION.md`` describes it. Nothing here decrypts anything.
"""

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from safepassage.accounts.models import User
from safepassage.accounts.roles import ROLE_PERMISSIONS
from safepassage.cases.models import Case, CaseState
from safepassage.organisations.models import Organisation
from safepassage.travel.models import (
    AllianceMembership,
    FarePrice,
    ProgramCarrier,
    TravelFare,
    TravelOption,
    TravelRequest,
    TravelRequestState,
)


def _prefetched(requests: QuerySet[TravelRequest]) -> QuerySet[TravelRequest]:
    return requests.select_related("case", "case__organisation").prefetch_related(
        "destinations",
        "travellers__household_member",
        Prefetch(
            "options",
            queryset=TravelOption.objects.order_by("position", "pk").prefetch_related(
                Prefetch(
                    "fares",
                    queryset=TravelFare.objects.order_by("position", "pk").prefetch_related(
                        Prefetch(
                            "prices",
                            queryset=FarePrice.objects.select_related("program").order_by(
                                "program__code"
                            ),
                        )
                    ),
                )
            ),
        ),
    )


def list_open_travel_requests(*, organisation: Organisation) -> QuerySet[TravelRequest]:
    """Requests of ``organisation``'s cases in "travel planned" that are open for allocation,
    with travellers, destinations, options, fares and prices prefetched."""
    return _prefetched(
        TravelRequest.objects.filter(
            case__organisation=organisation,
            case__state=CaseState.TRAVEL_PLANNED,
            state=TravelRequestState.OPEN,
        ).order_by("-case__priority", "earliest_departure", "pk")
    )


def get_travel_request(*, travel_request: TravelRequest) -> TravelRequest:
    """The request again, with everything its page and :func:`allocation_request` read."""
    return _prefetched(TravelRequest.objects.filter(pk=travel_request.pk)).get()


def list_case_travel_requests(*, case: Case) -> QuerySet[TravelRequest]:
    return _prefetched(TravelRequest.objects.filter(case=case).order_by("created_on", "pk"))


def _amount(value: Decimal) -> float:
    """JSON number for the allocator's cash fields (its interface is JSON numbers)."""
    return float(value)


def allocation_request(*, travel_request: TravelRequest) -> dict[str, Any]:
    """One entry of the allocator problem's ``requests`` (see ``ALLOCATION.md``).

    Ids are public ids (unique across the problem). A fare lists only programs with a miles
    figure; ``taxes`` are in each price's own currency (``currencies`` says which, for the
    caller to convert to the problem currency); ``cash_price`` is None unless a coordinator
    entered one. Expects the request from :func:`get_travel_request` or
    :func:`list_open_travel_requests` (prefetched).
    """
    return {
        "id": str(travel_request.public_id),
        "travellers": travel_request.party_size,
        "priority": float(travel_request.case.priority),
        "options": [
            {
                "id": str(option.public_id),
                "fares": [_allocation_fare(fare) for fare in option.fares.all()],
            }
            for option in travel_request.options.all()
        ],
    }


def _allocation_fare(fare: TravelFare) -> dict[str, Any]:
    priced = [price for price in fare.prices.all() if price.miles is not None]
    return {
        "id": str(fare.public_id),
        "miles": {price.program.code: price.miles for price in priced},
        "taxes": {price.program.code: _amount(price.taxes) for price in priced},
        "currencies": {price.program.code: price.currency for price in priced},
        "cash_price": None if fare.cash_price is None else _amount(fare.cash_price),
        "cash_currency": fare.cash_currency or None,
    }


def list_travel_planned_cases(*, user: User) -> QuerySet[Case]:
    """Cases in "travel planned" that ``user`` works on, in organisations where their role
    may view travel requests; most urgent first. Clear workflow fields only."""
    organisations = [
        membership.organisation_id
        for membership in user.memberships.all()
        if "travel.view_travelrequest" in ROLE_PERMISSIONS.get(membership.role, frozenset())
    ]
    return (
        Case.objects.filter(
            members__user=user,
            organisation_id__in=organisations,
            state=CaseState.TRAVEL_PLANNED,
        )
        .select_related("organisation")
        .prefetch_related("travel_requests")
        .order_by("-priority", "-risk", "opened_on", "code")
    )


def list_alliance_memberships() -> QuerySet[AllianceMembership]:
    return AllianceMembership.objects.select_related("alliance").order_by(
        "alliance__name", "carrier"
    )


def list_program_carriers() -> QuerySet[ProgramCarrier]:
    return ProgramCarrier.objects.select_related("program").order_by(
        "program__code", "relation", "carrier"
    )

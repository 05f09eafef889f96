"""The allocator contract: an open travel request maps onto ALLOCATION.md's request JSON."""

import pytest

from safepassage.cases.models import CaseState
from safepassage.travel.models import (
    Airport,
    AllianceMembership,
    ProgramCarrier,
    TravelRequestState,
)
from safepassage.travel.selectors import (
    allocation_request,
    get_travel_request,
    list_open_travel_requests,
)
from tests.cases.factories import clear_case_for
from tests.factories import OrganisationFactory
from tests.travel.factories import make_travel_request

pytestmark = pytest.mark.django_db


def test_an_open_request_becomes_one_allocator_request_entry() -> None:
    # Given an open request of two travellers with a split option and a single-fare option
    organisation = OrganisationFactory.create()
    case = clear_case_for(organisation=organisation, members=[])
    request = make_travel_request(case=case, travellers=2)

    # When it is turned into the allocator's JSON
    entry = allocation_request(travel_request=get_travel_request(travel_request=request))

    # Then ids, party size, priority, options and per-program miles and taxes map exactly
    split, single = entry["options"]
    assert entry["id"] == str(request.public_id)
    assert entry["travellers"] == 2
    assert entry["priority"] == float(case.priority)
    assert [fare["miles"] for fare in split["fares"]] == [
        {"TK": 4500},
        {"TK": 10000, "UA": 12500},
    ]
    assert split["fares"][1]["taxes"] == {"TK": 35.5, "UA": 5.6}
    assert split["fares"][0]["cash_price"] is None
    assert split["fares"][1]["cash_price"] == 210.0
    # An unpriced program is not offered to the allocator until a coordinator quotes it.
    assert single["fares"][0]["miles"] == {}


def test_only_open_requests_of_travel_planned_cases_of_the_organisation_are_listed() -> None:
    # Given an open, a draft and another organisation's open request
    organisation = OrganisationFactory.create()
    open_request = make_travel_request(case=clear_case_for(organisation=organisation, members=[]))
    make_travel_request(case=open_request.case, travellers=1, state=TravelRequestState.DRAFT)
    other = OrganisationFactory.create()
    make_travel_request(case=clear_case_for(organisation=other, members=[]))

    # Then only the first is open for allocation, and only while the case plans travel
    assert list(list_open_travel_requests(organisation=organisation)) == [open_request]
    open_request.case.state = CaseState.TICKETED
    open_request.case.save(update_fields=["state"])
    assert list(list_open_travel_requests(organisation=organisation)) == []


def test_migrations_load_airports_and_the_reviewed_partnerships() -> None:
    # Then airports come from airportsdata and partnerships from the reviewed data file
    mcx = Airport.objects.get(code="MCX")
    assert (mcx.country, mcx.timezone) == ("RU", "Europe/Moscow")
    assert Airport.objects.count() > 7000
    assert AllianceMembership.objects.get(alliance__code="skyteam", carrier="SU").suspended
    assert ProgramCarrier.objects.filter(program__code="FB", carrier="KL").exists()
    assert all(row.source for row in AllianceMembership.objects.all())

"""The travel planning page at a real network's size: the cases planning travel 50 a page,
with their travel requests, and the same queries for 3 cases as for 30."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from safepassage.accounts.roles import Role
from safepassage.cases.actions import new_case_code
from safepassage.cases.models import Case, CaseMember, CaseState
from safepassage.donations.models import Program
from safepassage.site.pagination import PER_PAGE
from safepassage.travel.models import TravelRequest
from tests.bookings.factories import travel_request
from tests.donations.pledges.factories import make_program
from tests.factories import StaffMember, make_staff, sign_in
from tests.site.list_queries import listed_in_order, queries_to_get

pytestmark = pytest.mark.django_db

HOME = reverse("travel:home")


def _planning(
    coordinator: StaffMember, program: Program, *, count: int
) -> list[tuple[Case, TravelRequest]]:
    """``count`` cases in "travel planned" the coordinator is on, oldest first, each with
    one open travel request (clear rows: the page decrypts nothing)."""
    today = timezone.localdate()
    planned = []
    for number in range(count):
        case = Case.objects.create(
            organisation=coordinator.organisation,
            code=new_case_code(),
            state=CaseState.TRAVEL_PLANNED,
            opened_on=today - datetime.timedelta(days=count - number),
            state_changed_on=today,
        )
        CaseMember.objects.create(case=case, user=coordinator.user, added_on=today)
        planned.append((case, travel_request(case, program=program)))
    return planned


def _codes(html: str, planned: list[tuple[Case, TravelRequest]]) -> list[str]:
    """The codes of the cases the page lists, in the page's order."""
    return [case.code for case, _ in listed_in_order(html, planned, lambda row: row[0].code)]


def test_page_two_shows_the_next_cases_and_a_bad_page_number_a_real_page() -> None:
    # given a coordinator on more cases planning travel than one page holds
    coordinator = make_staff(Role.TRAVEL_COORDINATOR)
    planned = _planning(coordinator, make_program(), count=PER_PAGE + 1)
    codes = [case.code for case, _ in planned]
    client = sign_in(Client(), coordinator)

    # when they open the page, its second page and pages that do not exist
    first = client.get(HOME).content.decode()
    second = client.get(HOME, {"page": 2}).content.decode()
    past_the_end = client.get(HOME, {"page": 999999}).content.decode()
    not_a_number = client.get(HOME, {"page": "abc"}).content.decode()

    # then the oldest 50 cases (equal priority) come first, the last one on page 2 with
    # its travel request's link, and a bad number shows a real page
    assert _codes(first, planned) == codes[:PER_PAGE]
    assert _codes(second, planned) == codes[PER_PAGE:]
    last_request = planned[-1][1]
    assert reverse("travel:request_detail", args=[last_request.public_id]) in second
    assert _codes(past_the_end, planned) == codes[PER_PAGE:]
    assert _codes(not_a_number, planned) == codes[:PER_PAGE]


def test_the_travel_page_runs_the_same_queries_for_3_cases_as_for_30(
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    # given a coordinator on 3 cases planning travel
    coordinator = make_staff(Role.TRAVEL_COORDINATOR)
    program = make_program()
    _planning(coordinator, program, count=3)
    client = sign_in(Client(), coordinator)
    with_three = queries_to_get(client, HOME)

    # when they are on 30
    planned = _planning(coordinator, program, count=27)

    # then the page runs no more queries and lists every request
    with django_assert_max_num_queries(with_three):
        html = client.get(HOME).content.decode()
    assert all(
        reverse("travel:request_detail", args=[request.public_id]) in html for _, request in planned
    )

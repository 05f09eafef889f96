"""The cases page at a real network's size: the triage queue and "my cases" a page at a time,
each with its own page number, and the same queries for 3 cases as for 30."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from safepassage.accounts.roles import Role
from safepassage.cases.actions import new_case_code
from safepassage.cases.models import Case, CaseMember, CaseState
from safepassage.organisations.models import Organisation
from safepassage.site.pagination import PER_PAGE
from tests.factories import StaffMember, make_staff, sign_in
from tests.site.list_queries import listed_in_order, queries_to_get

pytestmark = pytest.mark.django_db

QUEUE = reverse("cases:queue")


def _cases(
    organisation: Organisation, *, count: int, state: str, member: StaffMember | None = None
) -> list[Case]:
    """``count`` cases (clear rows, no keys: the page decrypts nothing), the oldest first."""
    today = timezone.localdate()
    cases = [
        Case.objects.create(
            organisation=organisation,
            code=new_case_code(),
            state=state,
            opened_on=today - datetime.timedelta(days=count - number),
            state_changed_on=today,
        )
        for number in range(count)
    ]
    if member is not None:
        CaseMember.objects.bulk_create(
            CaseMember(case=case, user=member.user, added_on=today) for case in cases
        )
    return cases


def _codes(html: str, cases: list[Case]) -> list[str]:
    """The codes of the ``cases`` the page lists, in the page's order."""
    return [case.code for case in listed_in_order(html, cases, lambda case: case.code)]


def test_page_two_of_the_queue_shows_the_next_requests_and_keeps_my_cases_page() -> None:
    # given a caseworker, more new requests than one page holds, and some cases of theirs
    caseworker = make_staff(Role.CASEWORKER)
    queue = _cases(caseworker.organisation, count=PER_PAGE + 5, state=CaseState.NEW)
    client = sign_in(Client(), caseworker)

    # when they open the queue, then its second page (with "my cases" on page 1)
    first = client.get(QUEUE).content.decode()
    second = client.get(QUEUE, {"queue_page": 2, "mine_page": 1}).content.decode()

    # then the first page shows the oldest 50 requests (equal priority and risk), the
    # second the other 5, and its links keep the other list's page
    assert _codes(first, queue) == [case.code for case in queue[:PER_PAGE]]
    assert _codes(second, queue) == [case.code for case in queue[PER_PAGE:]]
    assert 'href="?mine_page=1&amp;queue_page=1" rel="prev"' in second
    assert "Page 2 of 2" in second


@pytest.mark.parametrize("page", ["abc", "999999", "-1", ""])
def test_a_page_number_that_does_not_exist_shows_a_page_of_my_cases(page: str) -> None:
    # given a caseworker on more open cases than one page holds
    caseworker = make_staff(Role.CASEWORKER)
    mine = _cases(
        caseworker.organisation, count=PER_PAGE + 1, state=CaseState.VETTING, member=caseworker
    )

    # when they ask for a page of their cases that is not a number, or past the end
    response = sign_in(Client(), caseworker).get(QUEUE, {"mine_page": page})

    # then they get a page of their cases, never an error
    assert response.status_code == 200
    assert len(_codes(response.content.decode(), mine)) in {1, PER_PAGE}


def test_the_cases_page_runs_the_same_queries_for_3_cases_as_for_30(
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    # given a caseworker with 3 new requests and 3 cases of their own
    caseworker = make_staff(Role.CASEWORKER)
    organisation = caseworker.organisation
    _cases(organisation, count=3, state=CaseState.NEW)
    _cases(organisation, count=3, state=CaseState.VETTING, member=caseworker)
    client = sign_in(Client(), caseworker)
    with_three = queries_to_get(client, QUEUE)

    # when there are 30 of each
    _cases(organisation, count=27, state=CaseState.NEW)
    _cases(organisation, count=27, state=CaseState.VETTING, member=caseworker)

    # then the page runs no more queries and lists them all
    with django_assert_max_num_queries(with_three):
        html = client.get(QUEUE).content.decode()
    assert len(re.findall(r'<th scope="row">', html)) == 60

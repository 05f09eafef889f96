"""The trip list at a real network's size: 50 trips a page, newest first, and the same
queries for 3 trips as for 30."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from safepassage.accounts.roles import Role
from safepassage.bookings.models import Trip
from safepassage.cases.actions import new_case_code
from safepassage.cases.models import Case, CaseMember
from safepassage.site.pagination import PER_PAGE
from tests.bookings.factories import matrix_run
from tests.factories import StaffMember, make_staff, sign_in
from tests.site.list_queries import listed_in_order, queries_to_get

pytestmark = pytest.mark.django_db


def _trips(coordinator: StaffMember, *, count: int) -> list[Trip]:
    """``count`` trips on cases the coordinator works on (placeholder rows, never opened),
    in the order they were accepted."""
    today = timezone.localdate()
    run = matrix_run(coordinator.organisation, coordinator.user)
    trips = []
    for _ in range(count):
        case = Case.objects.create(
            organisation=coordinator.organisation,
            code=new_case_code(),
            opened_on=today,
            state_changed_on=today,
        )
        CaseMember.objects.create(case=case, user=coordinator.user, added_on=today)
        trips.append(
            Trip.objects.create(
                organisation=coordinator.organisation,
                case=case,
                run=run,
                request_ref=str(uuid.uuid4()),
                option_ref="option",
                travellers=1,
                accepted_by=coordinator.user,
                accepted_on=today,
                record_public_key=b"\0" * 32,
                record_private_key=b"placeholder",
            )
        )
    return trips


def _url(coordinator: StaffMember) -> str:
    return reverse("bookings:trips", kwargs={"organisation_id": coordinator.organisation.public_id})


def _listed(html: str, trips: list[Trip]) -> list[Trip]:
    """The ``trips`` the page lists, in the page's order."""
    return listed_in_order(html, trips, lambda trip: str(trip.public_id))


def test_page_two_shows_the_older_trips_and_a_bad_page_number_a_real_page() -> None:
    # given a coordinator with more trips than one page holds
    coordinator = make_staff(Role.TRAVEL_COORDINATOR)
    trips = _trips(coordinator, count=PER_PAGE + 3)
    newest_first = trips[::-1]
    client = sign_in(Client(), coordinator)

    # when they open the list, its second page, and pages that do not exist
    first = client.get(_url(coordinator)).content.decode()
    second = client.get(_url(coordinator), {"page": 2}).content.decode()
    past_the_end = client.get(_url(coordinator), {"page": 999999})
    not_a_number = client.get(_url(coordinator), {"page": "abc"})

    # then page 1 holds the 50 newest, page 2 the 3 oldest, with a link back; a page past
    # the end shows the last page and a page that is no number the first
    assert _listed(first, trips) == newest_first[:PER_PAGE]
    assert _listed(second, trips) == newest_first[PER_PAGE:]
    assert 'href="?page=1" rel="prev"' in second
    assert past_the_end.status_code == 200
    assert _listed(past_the_end.content.decode(), trips) == newest_first[PER_PAGE:]
    assert _listed(not_a_number.content.decode(), trips) == newest_first[:PER_PAGE]


def test_the_trip_list_runs_the_same_queries_for_3_trips_as_for_30(
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    # given a coordinator with 3 trips
    coordinator = make_staff(Role.TRAVEL_COORDINATOR)
    _trips(coordinator, count=3)
    client = sign_in(Client(), coordinator)
    with_three = queries_to_get(client, _url(coordinator))

    # when they have 30
    trips = _trips(coordinator, count=27)

    # then the list runs no more queries and shows them all
    with django_assert_max_num_queries(with_three):
        html = client.get(_url(coordinator)).content.decode()
    assert len(_listed(html, trips)) == 27

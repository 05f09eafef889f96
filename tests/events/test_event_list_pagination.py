"""Event lists at a real network's size: the public list and the staff list 50 a page,
and the same queries for 3 events as for 30."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from safepassage.accounts.roles import Role
from safepassage.events.models import Event
from safepassage.organisations.models import Organisation
from safepassage.site.pagination import PER_PAGE
from tests.events.factories import EventFactory
from tests.factories import OrganisationFactory, make_staff, sign_in
from tests.site.list_queries import listed_in_order, queries_to_get

pytestmark = pytest.mark.django_db

PUBLIC = reverse("events:event_list")
MANAGE = reverse("events:manage_events")


def _events(
    organisation: Organisation, *, count: int, offset: int = 0, days_from_now: int = 1
) -> list[Event]:
    """``count`` published events a day apart, in the order they start, the first one
    ``days_from_now`` days from now (negative: in the past)."""
    first = timezone.now().replace(microsecond=0) + datetime.timedelta(days=days_from_now)
    return [
        EventFactory.create(
            organiser=organisation,
            title=f"List evening {offset + number:03d}",
            starts_at=first + datetime.timedelta(days=offset + number),
            ends_at=first + datetime.timedelta(days=offset + number, hours=3),
        )
        for number in range(count)
    ]


def _titles(html: str, events: list[Event]) -> list[str]:
    """The titles of ``events`` the page lists, in the page's order."""
    return [event.title for event in listed_in_order(html, events, lambda event: event.title)]


@pytest.mark.parametrize(("url", "order"), [(PUBLIC, 1), (MANAGE, -1)])
def test_page_two_shows_the_next_events_and_a_bad_page_number_a_real_page(
    url: str, order: int
) -> None:
    # given a fundraiser whose organisation runs more events than one page holds
    fundraiser = make_staff(Role.FUNDRAISER)
    events = _events(fundraiser.organisation, count=PER_PAGE + 2)
    client = sign_in(Client(), fundraiser) if url == MANAGE else Client()
    titles = [event.title for event in events][::order]  # public: soonest first

    # when they open the list's pages
    first = client.get(url).content.decode()
    second = client.get(url, {"page": "2"}).content.decode()
    past_the_end = client.get(url, {"page": "999999"})
    not_a_number = client.get(url, {"page": "abc"})

    # then each page holds its rows in the list's order, and a bad number a real page
    assert _titles(first, events) == titles[:PER_PAGE]
    assert _titles(second, events) == titles[PER_PAGE:]
    assert 'href="?page=2" rel="next"' in first
    assert past_the_end.status_code == 200
    assert _titles(past_the_end.content.decode(), events) == titles[PER_PAGE:]
    assert _titles(not_a_number.content.decode(), events) == titles[:PER_PAGE]


@pytest.mark.parametrize("url", [PUBLIC, MANAGE])
def test_the_event_lists_run_the_same_queries_for_3_events_as_for_30(
    url: str, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    # given an admin and 3 events of their organisation and 3 of another
    admin = make_staff(Role.ADMIN)
    other = OrganisationFactory.create()
    _events(admin.organisation, count=3)
    _events(other, count=3, offset=100)
    client = sign_in(Client(), admin)
    with_three = queries_to_get(client, url)

    # when each organisation has 30
    events = _events(admin.organisation, count=27, offset=3)
    _events(other, count=27, offset=103)

    # then the list runs no more queries and shows the new ones
    with django_assert_max_num_queries(with_three):
        html = client.get(url).content.decode()
    assert len(_titles(html, events)) == 27


def test_the_public_list_shows_what_is_still_to_come_first_and_past_events_below() -> None:
    # given two evenings already over and two still to come
    organisation = OrganisationFactory.create()
    over = _events(organisation, count=2, days_from_now=-10)
    coming = _events(organisation, count=2, offset=10, days_from_now=3)

    # when a visitor opens the public list
    html = Client().get(PUBLIC).content.decode()

    # then the coming evenings are listed first, the soonest first, and under "Past events"
    # the ones over, the latest first
    upcoming, past = html.split('id="upcoming-events"')[1].split("Past events")
    assert _titles(upcoming, coming) == [event.title for event in coming]
    assert _titles(upcoming, over) == []
    assert _titles(past, over) == [event.title for event in reversed(over)]


def test_past_events_page_on_their_own_and_keep_the_upcoming_page() -> None:
    # given more past evenings than one page holds
    organisation = OrganisationFactory.create()
    over = _events(organisation, count=PER_PAGE + 1, days_from_now=-(PER_PAGE + 10))
    _events(organisation, count=1, offset=500, days_from_now=1)

    # when a visitor opens the second page of past events
    html = Client().get(PUBLIC, {"past": "2"}).content.decode()

    # then it holds the oldest one, and the upcoming list is still there
    assert _titles(html, over) == [over[0].title]
    assert 'id="upcoming-events"' in html
    assert 'href="?past=1" rel="prev"' in html

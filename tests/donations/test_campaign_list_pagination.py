"""Campaign lists at a real network's size: the public list and the staff list 50 a page,
and the same queries for 3 campaigns as for 30."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from safepassage.accounts.roles import Role
from safepassage.donations.models import Campaign
from safepassage.organisations.models import Organisation
from safepassage.site.pagination import PER_PAGE
from tests.factories import OrganisationFactory, make_staff, sign_in
from tests.site.list_queries import listed_in_order, queries_to_get

pytestmark = pytest.mark.django_db

PUBLIC = reverse("donations:campaign_list")
MANAGE = reverse("donations:manage_campaigns")


def _campaigns(organisation: Organisation, *, count: int, offset: int = 0) -> list[Campaign]:
    """``count`` published campaigns, each starting a day before the one before it (the
    lists show the newest first)."""
    return [
        Campaign.objects.create(
            slug=f"list-campaign-{offset + number}",
            title=f"List campaign {offset + number:03d}",
            organisation=organisation,
            goal_currency="EUR",
            goal_money=1000,
            starts_on=datetime.date(2026, 11, 1) - datetime.timedelta(days=offset + number),
            is_published=True,
        )
        for number in range(count)
    ]


def _titles(html: str, campaigns: list[Campaign]) -> list[str]:
    """The titles of ``campaigns`` the page lists, in the page's order."""
    return [c.title for c in listed_in_order(html, campaigns, lambda campaign: campaign.title)]


@pytest.mark.parametrize("url", [PUBLIC, MANAGE])
def test_page_two_shows_the_older_campaigns_and_a_bad_page_number_a_real_page(url: str) -> None:
    # given a fundraiser whose organisation ran more campaigns than one page holds
    fundraiser = make_staff(Role.FUNDRAISER)
    campaigns = _campaigns(fundraiser.organisation, count=PER_PAGE + 2)
    client = sign_in(Client(), fundraiser) if url == MANAGE else Client()
    titles = [campaign.title for campaign in campaigns]

    # when they open the list's pages
    first = client.get(url).content.decode()
    second = client.get(url, {"page": "2"}).content.decode()
    past_the_end = client.get(url, {"page": "999999"})
    not_a_number = client.get(url, {"page": "abc"})

    # then each page holds its rows, newest first, and a bad number shows a real page
    assert _titles(first, campaigns) == titles[:PER_PAGE]
    assert _titles(second, campaigns) == titles[PER_PAGE:]
    assert 'rel="prev"' in second
    assert 'href="?page=2" rel="next"' in first
    assert past_the_end.status_code == 200
    assert _titles(past_the_end.content.decode(), campaigns) == titles[PER_PAGE:]
    assert _titles(not_a_number.content.decode(), campaigns) == titles[:PER_PAGE]


@pytest.mark.parametrize("url", [PUBLIC, MANAGE])
def test_the_campaign_lists_run_the_same_queries_for_3_campaigns_as_for_30(
    url: str, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    # given an admin and 3 campaigns of their organisation and 3 of another
    admin = make_staff(Role.ADMIN)
    other = OrganisationFactory.create()
    _campaigns(admin.organisation, count=3)
    _campaigns(other, count=3, offset=100)
    client = sign_in(Client(), admin)
    with_three = queries_to_get(client, url)

    # when each organisation has 30
    campaigns = _campaigns(admin.organisation, count=27, offset=3)
    _campaigns(other, count=27, offset=103)

    # then the list runs no more queries and shows the new ones
    with django_assert_max_num_queries(with_three):
        html = client.get(url).content.decode()
    assert len(_titles(html, campaigns)) == 27

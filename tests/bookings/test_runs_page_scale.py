"""The allocation page at a real network's size: the cash of every campaign read together,
the runs 20 a page, and the same queries for 3 campaigns and runs as for 30."""

import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from safepassage.accounts.roles import Role
from safepassage.bookings.models import AllocationRun
from safepassage.bookings.models.runs import RunStatus
from safepassage.core.ledger import MoneyOwner, OwnerKind
from safepassage.core.money import Money
from safepassage.ledger.actions import do_record_gift
from tests.donations.gift_factories import make_campaign
from tests.factories import StaffMember, make_staff, sign_in
from tests.site.list_queries import listed_in_order, queries_to_get

pytestmark = pytest.mark.django_db


def _campaigns_holding_cash(coordinator: StaffMember, *, count: int) -> None:
    for _ in range(count):
        campaign = make_campaign(organisation=coordinator.organisation)
        do_record_gift(
            owner=MoneyOwner(kind=OwnerKind.CAMPAIGN, owner_id=str(campaign.public_id)),
            amount=Money(amount=Decimal("10.00"), currency="USD"),
            idempotency_key=f"runs-page:{uuid.uuid4()}",
            reference="runs-page",
            actor_ref="system",
            organisation_ref=str(coordinator.organisation.public_id),
        )


def _runs(coordinator: StaffMember, *, count: int) -> list[AllocationRun]:
    """``count`` finished runs (placeholder rows: the list never reads their documents)."""
    return [
        AllocationRun.objects.create(
            organisation=coordinator.organisation,
            started_by=coordinator.user,
            started_on=timezone.localdate(),
            status=RunStatus.CANCELLED,
            cash_budget=Decimal(0),
            problem={},
        )
        for _ in range(count)
    ]


def _url(coordinator: StaffMember) -> str:
    return reverse("bookings:runs", kwargs={"organisation_id": coordinator.organisation.public_id})


def _listed(html: str, runs: list[AllocationRun]) -> list[AllocationRun]:
    """The ``runs`` the page links to, in the page's order."""
    return listed_in_order(html, runs, lambda run: str(run.public_id))


def test_older_runs_are_on_page_two_and_a_bad_page_number_shows_a_real_page() -> None:
    # given a coordinator whose organisation ran 25 allocations
    coordinator = make_staff(Role.TRAVEL_COORDINATOR)
    newest_first = _runs(coordinator, count=25)[::-1]
    client = sign_in(Client(), coordinator)

    # when they open the allocation page, its second page and pages that do not exist
    first = client.get(_url(coordinator)).content.decode()
    second = client.get(_url(coordinator), {"page": "2"}).content.decode()
    past_the_end = client.get(_url(coordinator), {"page": "999999"}).content.decode()
    not_a_number = client.get(_url(coordinator), {"page": "abc"}).content.decode()

    # then the 20 newest come first and the 5 oldest are one click away (before, only the
    # newest 20 could ever be opened from the list)
    assert _listed(first, newest_first) == newest_first[:20]
    assert _listed(second, newest_first) == newest_first[20:]
    assert 'href="?page=2" rel="next"' in first
    assert _listed(past_the_end, newest_first) == newest_first[20:]
    assert _listed(not_a_number, newest_first) == newest_first[:20]


def test_the_allocation_page_runs_the_same_queries_for_3_campaigns_and_runs_as_for_30(
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    # given a coordinator whose organisation has 3 campaigns holding cash and 3 runs
    coordinator = make_staff(Role.TRAVEL_COORDINATOR)
    _campaigns_holding_cash(coordinator, count=3)
    _runs(coordinator, count=3)
    client = sign_in(Client(), coordinator)
    with_three = queries_to_get(client, _url(coordinator))

    # when it has 30 of each
    _campaigns_holding_cash(coordinator, count=27)
    _runs(coordinator, count=27)

    # then the page runs no more queries (it read each campaign's cash on its own before)
    # and counts every campaign's cash: 30 x 10 USD
    with django_assert_max_num_queries(with_three):
        html = client.get(_url(coordinator)).content.decode()
    assert "300.00" in html

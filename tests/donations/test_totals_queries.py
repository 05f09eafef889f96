"""The per-program and per-campaign totals and the reports page add up thousands of pledges
from the ledger rows: the same queries for 3 pledges as for 30, and the same figures."""

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from safepassage.accounts.roles import Role
from safepassage.donations.models import Campaign, Program
from safepassage.donations.staff_reports.selectors import get_program_totals
from tests.donations.gift_factories import make_campaign
from tests.donations.pledges.factories import confirmed_pledge, make_program, submit_pledge
from tests.factories import StaffMember, make_staff, sign_in
from tests.site.list_queries import queries_to_get

pytestmark = pytest.mark.django_db


def _pledges(campaign: Campaign, programs: list[Program], *, count: int) -> None:
    for number in range(count):
        confirmed_pledge(program=programs[number % 2], miles=1_000, campaign=campaign)


def _urls(fundraiser: StaffMember) -> list[str]:
    kwargs = {"organisation_id": fundraiser.organisation.public_id}
    return [
        reverse("donations:program_totals", kwargs=kwargs),
        reverse("donations:gift_totals", kwargs=kwargs),
        reverse("donations:report", kwargs=kwargs),
    ]


def test_the_totals_pages_run_the_same_queries_for_3_pledges_as_for_30(
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    # given a fundraiser's campaign with 3 pledges in two programs
    fundraiser = make_staff(Role.FUNDRAISER)
    campaign = make_campaign(organisation=fundraiser.organisation)
    programs = [make_program(), make_program()]
    _pledges(campaign, programs, count=3)
    client = sign_in(Client(), fundraiser)
    with_three = [queries_to_get(client, url) for url in _urls(fundraiser)]

    # when it has 30
    _pledges(campaign, programs, count=27)

    # then each totals page and the reports page runs no more queries
    for url, limit in zip(_urls(fundraiser), with_three, strict=True):
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200


def test_the_program_totals_count_each_confirmed_pledge_once() -> None:
    # given 30 confirmed pledges of 1,000 miles in two programs and one never confirmed
    fundraiser = make_staff(Role.FUNDRAISER)
    campaign = make_campaign(organisation=fundraiser.organisation)
    programs = sorted([make_program(), make_program()], key=lambda program: program.name)
    _pledges(campaign, programs, count=30)
    submit_pledge(program=programs[0], miles=5_000, campaign=campaign)

    # when the totals are read
    totals = get_program_totals(organisation=fundraiser.organisation)

    # then each program has its 15 pledges and 15,000 miles, all available
    assert [(t.program_code, t.pledge_count, t.pledged, t.available) for t in totals] == [
        (program.code, 15, 15_000, 15_000) for program in programs
    ]

"""Balances of thousands of pledges at once (an allocation run's snapshot of the network,
the pledge export): every one read, in a few queries, on SQLite too."""

import uuid

import pytest
from pytest_django import DjangoAssertNumQueries

from safepassage.core.ledger import PledgeRef
from safepassage.core.money import Miles
from safepassage.ledger import actions
from safepassage.ledger.selectors import OWNERS_PER_QUERY, get_pledge_balances

pytestmark = pytest.mark.django_db

PLEDGES = 1_200  # one OR'ed condition per pledge failed on SQLite from about 1,000


def test_the_balances_of_1200_pledges_are_read_in_three_queries(
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    # given 1,200 pledges, each with its own number of miles posted
    pledges = [PledgeRef(pledge_id=str(uuid.uuid4()), program="UA") for _ in range(PLEDGES)]
    for number, pledge in enumerate(pledges, start=1):
        actions.do_pledge_miles(
            pledge=pledge,
            amount=Miles(amount=number, program="UA"),
            idempotency_key=f"many:{pledge.pledge_id}",
            reference="many",
            actor_ref="system",
        )

    # when their balances are read together (the first one asked for twice)
    with django_assert_max_num_queries(-(-PLEDGES // OWNERS_PER_QUERY)):
        balances = get_pledge_balances(pledges=[*pledges, pledges[0]])

    # then every pledge has its own miles available
    assert len(balances) == PLEDGES
    assert [balances[pledge.pledge_id].available.amount for pledge in pledges] == list(
        range(1, PLEDGES + 1)
    )


def test_no_pledges_read_no_balances(django_assert_num_queries: DjangoAssertNumQueries) -> None:
    with django_assert_num_queries(0):
        assert get_pledge_balances(pledges=[]) == {}

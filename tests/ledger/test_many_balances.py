"""Balances of thousands of pledges at once (an allocation run's snapshot of the network,
the pledge export): every one read, in a few queries, on SQLite too."""

import uuid

import pytest
from pytest_django import DjangoAssertNumQueries

from safepassage.core.ledger import Bucket, PledgeRef
from safepassage.core.money import Miles
from safepassage.ledger import actions
from safepassage.ledger.selectors import (
    OWNERS_PER_QUERY,
    get_pledge_balances,
    sum_pledge_buckets,
)

pytestmark = pytest.mark.django_db

PLEDGE_BUCKETS = (
    Bucket.PLEDGED,
    Bucket.AVAILABLE,
    Bucket.RESERVED,
    Bucket.REDEEMED,
    Bucket.EXPIRED,
    Bucket.WITHDRAWN,
)
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


def _post(pledge: PledgeRef, *, pledged: int, reserved: int, then: str) -> None:
    """Pledge ``pledged`` miles, reserve ``reserved``, then keep, withdraw or expire the rest."""
    key, program = pledge.pledge_id, pledge.program
    actions.do_pledge_miles(
        pledge=pledge,
        amount=Miles(amount=pledged, program=program),
        idempotency_key=f"p:{key}",
        reference="sums",
        actor_ref="system",
    )
    actions.do_reserve_miles(
        pledge=pledge,
        amount=Miles(amount=reserved, program=program),
        idempotency_key=f"r:{key}",
        reference="sums",
        actor_ref="system",
    )
    if then == "withdraw":
        actions.do_withdraw_miles(
            pledge=pledge, idempotency_key=f"w:{key}", reference="sums", actor_ref="system"
        )
    elif then == "expire":
        actions.do_expire_miles(
            pledge=pledge, idempotency_key=f"e:{key}", reference="sums", actor_ref="system"
        )


def test_the_sums_per_group_and_program_equal_the_sums_of_each_pledges_balance() -> None:
    # given pledges of two programs in two groups, some reserved, withdrawn or expired,
    # and one never posted
    pledges = [
        (group, PledgeRef(pledge_id=str(uuid.uuid4()), program=program))
        for group in ("campaign-a", "campaign-b")
        for program in ("UA", "BA")
        for _ in range(3)
    ]
    for number, (_group, pledge) in enumerate(pledges[:-1]):
        _post(
            pledge,
            pledged=10_000 + number,
            reserved=(number + 1) * 100,
            then=("keep", "withdraw", "expire")[number % 3],
        )

    # when the buckets are summed per group and program
    sums = sum_pledge_buckets(pledges=pledges)

    # then each sum is what adding up the pledges' own balances gives
    balances = get_pledge_balances(pledges=[pledge for _group, pledge in pledges])
    expected: dict[tuple[str, str], dict[Bucket, int]] = {}
    for group, pledge in pledges:
        balance = balances[pledge.pledge_id]
        buckets = expected.setdefault((group, pledge.program), dict.fromkeys(PLEDGE_BUCKETS, 0))
        for bucket in buckets:
            buckets[bucket] += getattr(balance, bucket.value).amount
    assert set(sums) == set(expected)
    assert sums == expected
    assert sums["campaign-a", "UA"][Bucket.WITHDRAWN] > 0
    assert sums["campaign-b", "UA"][Bucket.EXPIRED] > 0

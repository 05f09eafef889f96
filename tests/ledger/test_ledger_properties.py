"""Property test: random pledge operations through the Django ledger agree with a plain model.

Hypothesis draws sequences of pledge, reserve, release, redeem, return, expire and
withdraw on three pledges (with retried idempotency keys mixed in); every call goes
through ``safepassage.ledger.actions``. Afterwards the stored balances equal an
independent model updated by hand, nothing is negative, and ``ledger verify`` is clean.
"""

import uuid
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safepassage.core.ledger import LedgerError, PledgeRef
from safepassage.core.money import Miles
from safepassage.ledger import actions
from safepassage.ledger.selectors import get_pledge_balance, verify_ledger

pytestmark = pytest.mark.django_db

MOVES = {
    # kind: (from bucket, to bucket); None = the pledge's source
    "pledge": (None, "available"),
    "reserve": ("available", "reserved"),
    "release": ("reserved", "available"),
    "redeem": ("reserved", "redeemed"),
    "return": ("redeemed", "available"),
    "expire": ("available", "expired"),
    "withdraw": ("available", "withdrawn"),
}
BUCKETS = ("available", "reserved", "redeemed", "expired", "withdrawn")

operations = st.lists(
    st.tuples(
        st.sampled_from(sorted(MOVES)),
        st.integers(min_value=0, max_value=2),
        st.integers(min_value=1, max_value=30_000),
        st.booleans(),  # retry the previous key instead of a new one
    ),
    min_size=1,
    max_size=25,
)


def _post(kind: str, pledge: PledgeRef, amount: int, key: str) -> bool:
    miles = Miles(amount=amount, program=pledge.program)
    common = {"idempotency_key": key, "reference": f"test:{kind}", "actor_ref": "system"}
    functions: dict[str, Callable[..., actions.Posted]] = {
        "pledge": actions.do_pledge_miles,
        "reserve": actions.do_reserve_miles,
        "release": actions.do_release_miles,
        "redeem": actions.do_redeem_miles,
        "return": actions.do_return_miles,
        "expire": actions.do_expire_miles,
        "withdraw": actions.do_withdraw_miles,
    }
    return functions[kind](pledge=pledge, amount=miles, **common).created


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=operations)
def test_the_stored_ledger_agrees_with_a_plain_model(
    steps: list[tuple[str, int, int, bool]],
) -> None:
    pledges = [PledgeRef(pledge_id=str(uuid.uuid4()), program="FB") for _ in range(3)]
    model = [dict.fromkeys(BUCKETS, 0) for _ in pledges]
    last_key: dict[tuple[str, int], str] = {}
    for number, (kind, index, amount, retry) in enumerate(steps):
        key = f"{pledges[index].pledge_id}:{kind}:{number}"
        if retry and (kind, index) in last_key:
            key = last_key[(kind, index)]  # a retried request: same key, maybe another amount
        last_key[(kind, index)] = key
        source, destination = MOVES[kind]
        try:
            created = _post(kind, pledges[index], amount, key)
        except LedgerError:
            assert source is not None
            assert model[index][source] < amount  # refused only when it would overdraw
            continue
        if created:
            if source is not None:
                assert model[index][source] >= amount
                model[index][source] -= amount
            model[index][destination] += amount

    for pledge, expected in zip(pledges, model, strict=True):
        balance = get_pledge_balance(pledge=pledge)
        actual = {bucket: getattr(balance, bucket).amount for bucket in BUCKETS}
        assert actual == expected
        assert balance.pledged.amount == sum(expected.values())
    assert verify_ledger().lines == []

"""Hypothesis state machine over the stored (Django) ledger.

Rules pledge, reserve, release, redeem, return, expire and withdraw miles on a growing
set of pledges through ``safepassage.ledger.actions``, sometimes retrying an earlier
idempotency key. After every step: no balance is negative, the stored balances equal a
plain model kept by hand, and re-deriving every balance from the postings
(``verify_ledger``: every transaction balances, no overdraft, caches equal postings)
finds nothing.
"""

import uuid
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
    run_state_machine_as_test,
)

from safepassage.core.ledger import LedgerError, PledgeRef
from safepassage.core.money import Miles
from safepassage.ledger import actions
from safepassage.ledger.selectors import get_pledge_balance, verify_ledger

pytestmark = pytest.mark.django_db

BUCKETS = ("available", "reserved", "redeemed", "expired", "withdrawn")
MOVES: dict[str, tuple[str, str, Callable[..., actions.Posted]]] = {
    "reserve": ("available", "reserved", actions.do_reserve_miles),
    "release": ("reserved", "available", actions.do_release_miles),
    "redeem": ("reserved", "redeemed", actions.do_redeem_miles),
    "return": ("redeemed", "available", actions.do_return_miles),
    "expire": ("available", "expired", actions.do_expire_miles),
    "withdraw": ("available", "withdrawn", actions.do_withdraw_miles),
}
amounts = st.integers(min_value=1, max_value=40_000)


class StoredLedgerMachine(RuleBasedStateMachine):
    pledges = Bundle("pledges")
    used_keys = Bundle("used_keys")

    def __init__(self) -> None:
        super().__init__()
        self.model: dict[str, dict[str, int]] = {}
        self.refs: dict[str, PledgeRef] = {}

    @rule(target=pledges, amount=amounts)
    def pledge(self, amount: int) -> str:
        ref = PledgeRef(pledge_id=str(uuid.uuid4()), program="FB")
        actions.do_pledge_miles(
            pledge=ref,
            amount=Miles(amount=amount, program="FB"),
            idempotency_key=f"{ref.pledge_id}:pledge",
            reference="test:pledge",
            actor_ref="system",
        )
        self.refs[ref.pledge_id] = ref
        self.model[ref.pledge_id] = dict.fromkeys(BUCKETS, 0) | {"available": amount}
        return ref.pledge_id

    def _move(self, kind: str, pledge_id: str, amount: int, key: str) -> str:
        source, destination, function = MOVES[kind]
        ref = self.refs[pledge_id]
        try:
            posted = function(
                pledge=ref,
                amount=Miles(amount=amount, program="FB"),
                idempotency_key=key,
                reference=f"test:{kind}",
                actor_ref="system",
            )
        except LedgerError:
            assert self.model[pledge_id][source] < amount  # refused only to prevent overdraft
            return key
        if posted.created:
            assert self.model[pledge_id][source] >= amount
            self.model[pledge_id][source] -= amount
            self.model[pledge_id][destination] += amount
        return key

    @rule(
        target=used_keys,
        kind=st.sampled_from(sorted(MOVES)),
        pledge_id=pledges,
        amount=amounts,
    )
    def move(self, kind: str, pledge_id: str, amount: int) -> str:
        return "|".join((kind, pledge_id, self._move(kind, pledge_id, amount, uuid.uuid4().hex)))

    @rule(retried=consumes(used_keys), amount=amounts)
    def retry(self, retried: str, amount: int) -> None:
        """A retried request: the same key again (maybe another amount) changes nothing."""
        kind, pledge_id, key = retried.split("|")
        before = dict(self.model[pledge_id])
        try:
            posted = MOVES[kind][2](
                pledge=self.refs[pledge_id],
                amount=Miles(amount=amount, program="FB"),
                idempotency_key=key,
                reference=f"test:{kind}",
                actor_ref="system",
            )
        except LedgerError:
            pass  # the first attempt was refused too, or the key is refused for another move
        else:
            if posted.created:  # the first attempt had been refused: this one is new
                source, destination, _function = MOVES[kind]
                self.model[pledge_id][source] -= amount
                self.model[pledge_id][destination] += amount
                return
        assert self.model[pledge_id] == before

    @invariant()
    def stored_balances_equal_the_model_and_none_is_negative(self) -> None:
        for pledge_id, expected in self.model.items():
            balance = get_pledge_balance(pledge=self.refs[pledge_id])
            actual = {bucket: getattr(balance, bucket).amount for bucket in BUCKETS}
            assert actual == expected
            assert min(actual.values()) >= 0

    @invariant()
    def re_deriving_every_balance_finds_nothing(self) -> None:
        assert verify_ledger().lines == []


def test_the_stored_ledger_survives_random_sequences_of_moves() -> None:
    run_state_machine_as_test(
        StoredLedgerMachine,
        settings=settings(
            max_examples=10,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )

"""Hypothesis: a refund never credits an owner more than it paid in that currency, credits
exactly what came back, the last payer first, and a refused refund credits nothing."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safepassage.bookings.cash import Holding, plan_refund, still_refundable
from safepassage.bookings.errors import (
    NothingLeftToRefund,
    RefundCurrencyNotPaid,
    RefundTooLarge,
)
from safepassage.core.ledger import MoneyOwner, OwnerKind
from safepassage.core.money import Money

OWNERS = (
    MoneyOwner(kind=OwnerKind.FUND, owner_id="fund"),
    MoneyOwner(kind=OwnerKind.CAMPAIGN, owner_id="c-1"),
    MoneyOwner(kind=OwnerKind.CAMPAIGN, owner_id="c-2"),
)
CURRENCIES = ("USD", "EUR", "JPY")

payments = st.lists(
    st.tuples(st.sampled_from(OWNERS), st.sampled_from(CURRENCIES), st.integers(1, 100_000)),
    min_size=1,
    max_size=5,
    unique_by=lambda p: (p[0], p[1]),  # one payment per owner and currency, as plan_payment
)
attempts = st.lists(
    st.tuples(st.sampled_from((*CURRENCIES, "GBP")), st.integers(1, 120_000)), max_size=8
)


def money(minor: int, currency: str) -> Money:
    return Money.from_minor_units(amount=minor, currency=currency)


@settings(max_examples=300, deadline=None)
@given(paid=payments, tries=attempts)
def test_refunds_follow_the_rules(
    paid: list[tuple[MoneyOwner, str, int]], tries: list[tuple[str, int]]
) -> None:
    holdings = [Holding(owner=o, money=money(m, c)) for o, c, m in paid]
    order = [(o, c) for o, c, _m in paid]
    left = {(o, c): m for o, c, m in paid}  # the model: minor units still refundable
    credited: list[Holding] = []
    for currency, minor in tries:
        amount = money(minor, currency)
        room = sum(v for (_o, c), v in left.items() if c == currency)
        if currency not in {c for _o, c in order}:
            with pytest.raises(RefundCurrencyNotPaid):
                plan_refund(amount=amount, paid=holdings, refunded=credited)
            continue
        if not any(left.values()):
            with pytest.raises(NothingLeftToRefund):
                plan_refund(amount=amount, paid=holdings, refunded=credited)
            continue
        if minor > room:
            with pytest.raises(RefundTooLarge) as caught:
                plan_refund(amount=amount, paid=holdings, refunded=credited)
            assert Decimal(caught.value.most) == money(room, currency).amount
            continue
        credits = plan_refund(amount=amount, paid=holdings, refunded=credited)
        # exactly what came back, in its currency, never more than an owner has left
        assert sum(c.money.to_minor_units() for c in credits) == minor
        for credit in credits:
            key = (credit.owner, credit.money.currency)
            assert credit.money.currency == currency
            assert 0 < credit.money.to_minor_units() <= left[key]
            left[key] -= credit.money.to_minor_units()
        # the last payer first: once an owner is credited, every later payer in that
        # currency has nothing left
        same = [key for key in order if key[1] == currency]
        touched = [i for i, key in enumerate(same) if key in {(c.owner, currency) for c in credits}]
        if touched:
            assert all(left[key] == 0 for key in same[min(touched) + 1 :])
        credited.extend(credits)
        assert all(value >= 0 for value in left.values())
    # what the code says is still refundable is the model's
    expected = {key: value for key, value in left.items() if value}
    found = {
        (h.owner, h.money.currency): h.money.to_minor_units()
        for h in still_refundable(paid=holdings, refunded=credited)
    }
    assert found == expected

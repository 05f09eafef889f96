"""Amounts from providers and forms become exact Money, or are refused; never rounded."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safepassage.core.money import CURRENCY_MINOR_UNITS, Money
from safepassage.donations.gifts.errors import InvalidGiftAmount
from safepassage.donations.gifts.webhooks import parse_money

CURRENCIES = sorted(CURRENCY_MINOR_UNITS)


@given(
    currency=st.sampled_from(CURRENCIES),
    minor=st.integers(min_value=1, max_value=10**11 - 1),
)
def test_every_amount_in_minor_units_parses_back_exactly(currency: str, minor: int) -> None:
    money = Money.from_minor_units(amount=minor, currency=currency)
    if money.amount.adjusted() >= 11:
        return
    text = f"{money.amount:.{money.minor_units}f}"

    parsed = parse_money(amount=text, currency=currency.lower())

    assert parsed == money
    assert parsed.to_minor_units() == minor


@given(currency=st.sampled_from(CURRENCIES), minor=st.integers(min_value=1, max_value=10**9))
def test_one_decimal_place_too_many_is_refused(currency: str, minor: int) -> None:
    places = CURRENCY_MINOR_UNITS[currency] + 1
    amount = Decimal(minor * 10 + 1).scaleb(-places)

    with pytest.raises(InvalidGiftAmount):
        parse_money(amount=str(amount), currency=currency)

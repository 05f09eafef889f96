"""Tests for the Money and Miles value types."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safepassage.core.money import (
    CURRENCY_MINOR_UNITS,
    CurrencyMismatchError,
    FloatNotAllowedError,
    InvalidAmountError,
    InvalidCurrencyError,
    InvalidProgramError,
    Miles,
    Money,
    MoneyError,
    ProgramMismatchError,
    UnknownCurrencyError,
)


def test_money_keeps_decimal_amount_and_currency() -> None:
    money = Money(amount=Decimal("12.34"), currency="USD")

    assert money.amount == Decimal("12.34")
    assert money.currency == "USD"
    assert str(money) == "12.34 USD"


def test_money_accepts_int_and_converts_it_to_decimal() -> None:
    money = Money(amount=5, currency="EUR")  # type: ignore[arg-type]  # int accepted at runtime

    assert isinstance(money.amount, Decimal)
    assert money == Money(amount=Decimal("5.00"), currency="EUR")


@pytest.mark.parametrize("amount", [1.5, 0.1, float("nan"), True, "1.00", None])
def test_money_refuses_non_exact_amounts(amount: object) -> None:
    with pytest.raises(FloatNotAllowedError):
        Money(amount=amount, currency="USD")  # type: ignore[arg-type]  # deliberately wrong type


@pytest.mark.parametrize("amount", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_money_refuses_non_finite_decimals(amount: Decimal) -> None:
    with pytest.raises(InvalidAmountError):
        Money(amount=amount, currency="USD")


@pytest.mark.parametrize("currency", ["usd", "US", "USDX", "U5D", "", 840, None])
def test_money_refuses_malformed_currency_codes(currency: object) -> None:
    with pytest.raises(InvalidCurrencyError):
        Money(amount=Decimal(1), currency=currency)  # type: ignore[arg-type]  # deliberately wrong


def test_money_refuses_well_formed_but_unknown_currency() -> None:
    with pytest.raises(UnknownCurrencyError):
        Money(amount=Decimal(1), currency="XYZ")


@pytest.mark.parametrize(
    ("amount", "currency"),
    [("0.001", "USD"), ("1.5", "JPY"), ("0.0001", "BHD"), ("10.555", "EUR")],
)
def test_money_refuses_more_decimal_places_than_the_currency_has(
    amount: str, currency: str
) -> None:
    with pytest.raises(InvalidAmountError):
        Money(amount=Decimal(amount), currency=currency)


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("0.01", "USD", 1), ("1500", "JPY", 1500), ("0.001", "BHD", 1), ("10.500", "USD", 1050)],
)
def test_money_round_trips_through_minor_units(amount: str, currency: str, minor: int) -> None:
    money = Money(amount=Decimal(amount), currency=currency)

    assert money.to_minor_units() == minor
    assert Money.from_minor_units(amount=minor, currency=currency) == money


def test_from_minor_units_refuses_floats() -> None:
    with pytest.raises(FloatNotAllowedError):
        Money.from_minor_units(amount=1.0, currency="USD")  # type: ignore[arg-type]  # wrong type


def test_money_arithmetic_and_ordering_in_one_currency() -> None:
    ten = Money(amount=Decimal("10.00"), currency="EUR")
    three = Money(amount=Decimal("3.50"), currency="EUR")

    assert ten + three == Money(amount=Decimal("13.50"), currency="EUR")
    assert ten - three == Money(amount=Decimal("6.50"), currency="EUR")
    assert -three == Money(amount=Decimal("-3.50"), currency="EUR")
    assert three < ten
    assert three <= ten
    assert ten > three
    assert ten >= three
    assert Money.zero(currency="EUR") < three


@pytest.mark.parametrize(
    "operation",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a < b,
        lambda a, b: a <= b,
        lambda a, b: a > b,
        lambda a, b: a >= b,
    ],
)
def test_mixing_currencies_raises(operation: object) -> None:
    usd = Money(amount=Decimal(1), currency="USD")
    eur = Money(amount=Decimal(1), currency="EUR")

    with pytest.raises(CurrencyMismatchError) as caught:
        operation(usd, eur)  # type: ignore[operator]  # the lambdas are untyped on purpose

    assert caught.value.left == "USD"
    assert caught.value.right == "EUR"
    assert isinstance(caught.value, MoneyError)


def test_money_in_different_currencies_is_unequal_without_raising() -> None:
    assert Money(amount=Decimal(1), currency="USD") != Money(amount=Decimal(1), currency="EUR")
    assert (
        len(
            {Money(amount=Decimal("1.0"), currency="USD"), Money(amount=Decimal(1), currency="USD")}
        )
        == 1
    )


def test_money_is_frozen() -> None:
    money = Money(amount=Decimal(1), currency="USD")

    with pytest.raises(AttributeError):
        money.amount = Decimal(2)  # type: ignore[misc]  # frozen on purpose


def test_money_refuses_other_types_in_arithmetic() -> None:
    with pytest.raises(TypeError):
        _ = Money(amount=Decimal(1), currency="USD") + Miles(amount=1, program="AC")  # type: ignore[operator]  # wrong type


@given(
    currency=st.sampled_from(sorted(CURRENCY_MINOR_UNITS)),
    minor=st.integers(min_value=-(10**40), max_value=10**40),
)
def test_minor_units_round_trip_for_every_known_currency(currency: str, minor: int) -> None:
    money = Money.from_minor_units(amount=minor, currency=currency)

    assert money.to_minor_units() == minor


@given(
    currency=st.sampled_from(sorted(CURRENCY_MINOR_UNITS)),
    left=st.integers(min_value=-(10**40), max_value=10**40),
    right=st.integers(min_value=-(10**40), max_value=10**40),
)
def test_arithmetic_is_exact_integer_arithmetic_on_minor_units(
    currency: str, left: int, right: int
) -> None:
    a = Money.from_minor_units(amount=left, currency=currency)
    b = Money.from_minor_units(amount=right, currency=currency)

    assert (a + b).to_minor_units() == left + right
    assert (a - b).to_minor_units() == left - right
    assert (-a).to_minor_units() == -left
    assert (a < b) == (left < right)
    assert (a == b) == (left == right)


def test_large_amounts_are_never_rounded() -> None:
    large = Money(amount=Decimal("1" * 40 + ".01"), currency="USD")

    assert (large + large).amount == Decimal("2" * 40 + ".02")
    assert large.to_minor_units() == int("1" * 40 + "01")
    with pytest.raises(InvalidAmountError):
        Money(amount=Decimal("1" * 40 + ".001"), currency="USD")


def test_miles_keep_int_amount_and_program() -> None:
    miles = Miles(amount=25_000, program="AC")

    assert miles.amount == 25_000
    assert str(miles) == "25000 AC"


@pytest.mark.parametrize("amount", [1.0, Decimal(1), True, "1"])
def test_miles_refuse_non_int_amounts(amount: object) -> None:
    with pytest.raises(FloatNotAllowedError):
        Miles(amount=amount, program="AC")  # type: ignore[arg-type]  # deliberately wrong type


@pytest.mark.parametrize("program", ["ac", "A", "A:C", "", "X" * 21, 5, None])
def test_miles_refuse_malformed_program_codes(program: object) -> None:
    with pytest.raises(InvalidProgramError):
        Miles(amount=1, program=program)  # type: ignore[arg-type]  # deliberately wrong


def test_miles_arithmetic_and_ordering_in_one_program() -> None:
    big = Miles(amount=30_000, program="AMEX-MR")
    small = Miles(amount=5_000, program="AMEX-MR")

    assert big + small == Miles(amount=35_000, program="AMEX-MR")
    assert big - small == Miles(amount=25_000, program="AMEX-MR")
    assert -small == Miles(amount=-5_000, program="AMEX-MR")
    assert small < big
    assert small <= big
    assert big > small
    assert big >= small
    assert Miles.zero(program="AMEX-MR") < small


@pytest.mark.parametrize(
    "operation",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a < b,
        lambda a, b: a <= b,
        lambda a, b: a > b,
        lambda a, b: a >= b,
    ],
)
def test_mixing_programs_raises(operation: object) -> None:
    aeroplan = Miles(amount=1, program="AC")
    avios = Miles(amount=1, program="BA")

    with pytest.raises(ProgramMismatchError):
        operation(aeroplan, avios)  # type: ignore[operator]  # the lambdas are untyped on purpose


def test_miles_of_different_programs_are_unequal() -> None:
    assert Miles(amount=1, program="AC") != Miles(amount=1, program="BA")

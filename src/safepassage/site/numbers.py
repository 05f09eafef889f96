"""Numbers and amounts of money written for people, grouped the way the reader's language
writes them.

English groups thousands with commas ("25,000"); Russian with (no-break) spaces
("25 000"), because "25,000" reads in Russian as twenty-five with a decimal comma.
Amounts of money follow the same rule and the language's decimal mark: "12,500.00 USD" in
English, "12 500,00 USD" in Russian (decision 0028). Text for machines (CSV, forms that
are typed back) keeps plain digits and a decimal point.
"""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.functional import lazy

from safepassage.core.money import CURRENCY_MINOR_UNITS, Money


def _grouped(value: int) -> str:
    return number_format(value, force_grouping=True)


grouped_number = lazy(_grouped, str)
"""``grouped_number(25000)``: a lazy text, grouped in the language active when it is
shown, so a number made in a request in one language and written into an e-mail in the
donor's language follows the e-mail's."""


def _decimal_places(amount: Decimal, currency: str) -> int:
    """The currency's minor units, or more when the amount has more (nothing is rounded);
    without a known currency, the amount's own places."""
    places = CURRENCY_MINOR_UNITS.get(currency, 0)
    exponent = amount.normalize().as_tuple().exponent  # 5.500 (a column's scale): 5.5
    if isinstance(exponent, int) and -exponent > places:
        return -exponent
    return places


def _money_text(amount: Decimal | int, currency: str) -> str:
    value = Decimal(amount)
    digits = number_format(value, decimal_pos=_decimal_places(value, currency), force_grouping=True)
    return f"{digits} {currency}" if currency else digits


_lazy_money_text = lazy(_money_text, str)


def money_text(money: Money) -> str:
    """``money_text(Money(amount=Decimal("12500"), currency="USD"))``: "12,500.00 USD" in
    English, "12 500,00 USD" in Russian, as a lazy text (like :data:`grouped_number`)."""
    return _lazy_money_text(money.amount, money.currency)


def amount_text(amount: Decimal | int, currency: str) -> str:
    """:func:`money_text` for an amount and its currency held apart (a row, a model)."""
    return _lazy_money_text(amount, currency)

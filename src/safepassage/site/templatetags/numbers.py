"""Template filters for numbers and money people read (``{% load numbers %}``)."""

from decimal import Decimal, InvalidOperation

from django import template

from safepassage.core.money import Money
from safepassage.site.numbers import amount_text, grouped_number, money_text

register = template.Library()

Amount = Money | Decimal | int | str | None


@register.filter
def grouped(value: int | None) -> str:
    """``{{ miles|grouped }}``: "1,500,000" in English, "1 500 000" in Russian; nothing for
    no number."""
    return "" if value is None else str(grouped_number(value))


@register.filter
def money(value: Amount, currency: str | None = None) -> str:
    """An amount of money for people: ``{{ gift_money|money }}`` for a Money,
    ``{{ row.amount|money:row.currency }}`` for an amount and its currency held apart
    (a Decimal, or the text of one as stored in a JSON document).

    "12,500.00 USD" in English, "12 500,00 USD" in Russian; nothing for no amount.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, Money):
        return str(money_text(value))
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    return str(amount_text(amount, currency or ""))


@register.filter
def money_amount(value: Amount, currency: str | None = None) -> str:
    """The figure alone, where the currency has its own column or heading:
    ``{{ row.amount|money_amount:row.currency }}`` gives "12,500.00" / "12 500,00"."""
    text = money(value, currency)
    if isinstance(value, Money):
        currency = value.currency
    return text.removesuffix(f" {currency}") if currency else text

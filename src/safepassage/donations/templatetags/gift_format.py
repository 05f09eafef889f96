"""Template filters of the gift pages."""

from django import template

from safepassage.core.money import Money
from safepassage.donations.models import Gift

register = template.Library()


@register.filter
def gift_amount(gift: Gift) -> str:
    """The gift's amount with exactly its currency's decimals, e.g. ``12.50 EUR``, ``1000 JPY``."""
    return str(Money(amount=gift.amount, currency=gift.currency))

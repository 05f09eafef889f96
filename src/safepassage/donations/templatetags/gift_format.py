"""Template filters of the gift pages."""

from django import template

from safepassage.donations.models import Gift
from safepassage.site.numbers import amount_text

register = template.Library()


@register.filter
def gift_amount(gift: Gift) -> str:
    """The gift's amount with exactly its currency's decimals, grouped in the reader's
    language: ``12,500.00 EUR``, ``1,000 JPY`` (``12 500,00 EUR`` in Russian)."""
    return str(amount_text(gift.amount, gift.currency))

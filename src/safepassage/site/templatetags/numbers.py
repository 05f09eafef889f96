"""Template filters for numbers people read (``{% load numbers %}``)."""

from django import template

from safepassage.site.numbers import grouped_number

register = template.Library()


@register.filter
def grouped(value: int) -> str:
    """``{{ miles|grouped }}``: "1,500,000" in English, "1 500 000" in Russian."""
    return str(grouped_number(value))

"""Text stored as it was written (program facts, their sources, transfer notes, catalogue
citations: research notes mostly in English, PROGRAMS.md) shown inside pages in another
language. ``{{ fact.statement|stored_text }}`` marks text that reads as English with
``lang="en"`` on a Russian page, so a screen reader switches to an English voice instead of
reading English words with Russian rules (WCAG 3.1.2). Nothing records the language of a
fact, and a maintainer may write one in Russian: text with any Cyrillic letter is left to
the page's language, as is text without letters (dates, numbers, ratios)."""

import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")


def stored_text_language(text: str) -> str | None:
    """``"en"`` for text with Latin letters and no Cyrillic one, else None (the page's)."""
    if _LATIN.search(text) and not _CYRILLIC.search(text):
        return "en"
    return None


@register.filter
def stored_text(value: object) -> SafeString:
    """``value`` escaped, inside ``<span lang="en">`` when it reads as English and the page
    is in another language."""
    text = "" if value is None else str(value)
    language = stored_text_language(text)
    page = (get_language() or "").split("-")[0]
    if language is None or language == page:
        return conditional_escape(text)
    return format_html('<span lang="{}">{}</span>', language, text)

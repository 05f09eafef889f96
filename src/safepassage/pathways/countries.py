"""Destination countries: ISO 3166-1 alpha-2 codes and their names in the active language.

Names come from the CLDR data that ships with Babel (already installed for translations),
so the list needs no table of its own and follows the page language.
"""

from babel import Locale
from django.utils import translation

_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})


def _territories(language: str) -> dict[str, str]:
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (ValueError, LookupError):
        locale = Locale("en")
    return {
        code: str(name)
        for code, name in locale.territories.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    }


COUNTRY_CODES = frozenset(_territories("en"))


def is_country_code(code: str) -> bool:
    return code in COUNTRY_CODES


def country_name(code: str) -> str:
    """The country's name in the active language (the code itself when unknown)."""
    return _territories(translation.get_language() or "en").get(code, code)


def country_choices() -> list[tuple[str, str]]:
    """(code, name) for every country, sorted by name in the active language."""
    names = _territories(translation.get_language() or "en")
    return sorted(((code, names.get(code, code)) for code in COUNTRY_CODES), key=lambda c: c[1])

"""Whole numbers written for people, grouped the way the reader's language writes them.

English groups thousands with commas ("25,000"); Russian with (no-break) spaces
("25 000"), because "25,000" reads in Russian as twenty-five with a decimal comma.
"""

from django.utils.formats import number_format
from django.utils.functional import lazy


def _grouped(value: int) -> str:
    return number_format(value, force_grouping=True)


grouped_number = lazy(_grouped, str)
"""``grouped_number(25000)``: a lazy text, grouped in the language active when it is
shown, so a number made in a request in one language and written into an e-mail in the
donor's language follows the e-mail's."""

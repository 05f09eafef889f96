"""The impact note counts travellers correctly in English and Russian."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

TEMPLATE = "donations/pledges/email/impact_body.txt"


@pytest.mark.parametrize(
    ("language", "travellers", "expected"),
    [
        ("en", 1, "Your 35,000 miles flew one person to safety."),
        ("en", 21, "Your 35,000 miles flew 21 people to safety."),
        ("ru", 1, "помогли одному человеку"),
        ("ru", 21, "помогли 21 человеку"),
        ("ru", 3, "помогли 3 людям"),
    ],
)
def test_the_note_agrees_with_the_number_of_travellers(
    language: str, travellers: int, expected: str
) -> None:
    with translation.override(language):
        body = render_to_string(TEMPLATE, {"miles_display": "35,000", "travellers": travellers})

    assert expected in body

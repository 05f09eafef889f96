# ruff: noqa: RUF001  (Russian interface text: Cyrillic letters that look Latin are meant)
"""Every e-mail template reads in Russian when rendered in Russian (donor confirmations,
booking requests, impact notes, receipts, staff notices): no line of the Russian rendering
is an English line of the English one. Which language each e-mail is sent in is tested
with its sender (tests/donations/pledges/test_impact_note_language.py,
tests/bookings/test_russian_donor_notices.py, tests/donations/test_gift_receipt_language.py,
tests/cases/test_attention.py); this test finds the strings nobody translated, also in
branches and plural forms those tests do not reach."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.template import Context
from django.template.loader import get_template
from django.utils import translation

import safepassage

SOURCE = Path(safepassage.__file__).parent
TEMPLATES = sorted(
    path.relative_to(path.parents[len(path.relative_to(SOURCE).parts) - 3]).as_posix()
    for path in SOURCE.glob("*/templates/**/email/*.txt")
)
ENGLISH_WORD = re.compile(r"[A-Za-z]*[a-z][A-Za-z]*")


class Anything(int):
    """A value for every name a template asks for: any attribute, one item when iterated, a
    number for plurals (7: the Russian "many" form), so loops, conditions and plural forms
    render their text too."""

    def __getattr__(self, name: str) -> "Anything":
        return self

    def __getitem__(self, key: object) -> "Anything":
        return self

    def __iter__(self) -> Iterator["Anything"]:
        yield self


class Everything(dict[str, Anything]):
    """A template context that has every name."""

    def __contains__(self, key: object) -> bool:
        return True

    def __missing__(self, key: str) -> Anything:
        return Anything(7)


def _render(template: str, language: str) -> list[str]:
    with translation.override(language):
        # Django's own Template (the backend wrapper would copy the context into a plain dict)
        engine_template = get_template(template).template  # type: ignore[attr-defined]  # django-stubs types the backend template only
        text = engine_template.render(Context(Everything()))
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_there_are_e_mail_templates_to_check() -> None:
    assert len(TEMPLATES) >= 20


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_e_mail_reads_in_russian(template: str) -> None:
    english = set(_render(template, "en"))
    russian = _render(template, "ru")

    untranslated = [
        line
        for line in russian
        if line in english and any(len(word) >= 2 for word in ENGLISH_WORD.findall(line))
    ]
    assert untranslated == []
    assert any(re.search("[а-яА-Я]", line) for line in russian)

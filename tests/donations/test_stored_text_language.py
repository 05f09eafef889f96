"""Program facts, their sources, transfer notes and the travel catalogue's citations are
stored as written (mostly English research notes from PROGRAMS.md). On a Russian page
they are marked ``lang="en"`` so a screen reader reads them with an English voice; text a
maintainer wrote in Russian, and any text on an English page, is left to the page's
language (decision 0043)."""

import datetime
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from safepassage.accounts.roles import Role
from safepassage.donations.models import FactTopic, ProgramFact, TransferPartner
from safepassage.donations.templatetags.stored_text import stored_text, stored_text_language
from safepassage.travel.models import ProgramCarrier
from tests.donations.pledges.factories import make_program
from tests.factories import OrganisationFactory, make_staff, sign_in

STATEMENT = "Award tickets can be booked for anyone; no nominee list."
SOURCE = "Miles4Migrants' Terms of Pledge, 27 Mar 2024"
RUSSIAN_STATEMENT = "Билеты можно оформить на любого человека."


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (STATEMENT, "en"),
        ("https://www.example.org/terms", "en"),
        (RUSSIAN_STATEMENT, None),
        ("Aeroflot Bonus: билеты только для семьи", None),  # mixed: the page's language
        ("2024-03-27", None),
        ("1 : 1", None),
        ("", None),
    ],
)
def test_text_reads_as_english_only_with_latin_letters_and_no_cyrillic(
    text: str, language: str | None
) -> None:
    assert stored_text_language(text) == language


@given(st.text())
def test_the_filter_always_escapes_and_marks_only_english_on_a_russian_page(text: str) -> None:
    with translation.override("ru"):
        html = str(stored_text(text))
    marked = html.startswith('<span lang="en">')
    assert marked == (stored_text_language(text) == "en")
    inner = html.removeprefix('<span lang="en">').removesuffix("</span>") if marked else html
    assert "<" not in inner
    assert ">" not in inner


def test_nothing_is_marked_on_an_english_page() -> None:
    with translation.override("en"):
        assert str(stored_text(STATEMENT)) == STATEMENT.replace("'", "&#x27;")


def _facts_page(language: str) -> str:
    program = make_program()
    ProgramFact.objects.create(
        program=program,
        topic=FactTopic.BOOKING_FOR_OTHERS,
        statement=STATEMENT,
        source=SOURCE,
        as_of=datetime.date(2024, 3, 27),
    )
    ProgramFact.objects.create(
        program=program, topic=FactTopic.EXPIRY, statement=RUSSIAN_STATEMENT, source=""
    )
    bank = make_program(kind="bank_points")
    TransferPartner.objects.create(
        bank_program=bank,
        airline_program=program,
        points_in=1,
        miles_out=1,
        notes="Transfers take up to 48 hours.",
        source="Bank's points page",
    )
    staff = make_staff(Role.ADMIN, OrganisationFactory.create())
    client = sign_in(Client(), staff)
    response = client.get(reverse("donations:program_facts"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_english_facts_on_the_russian_facts_page_are_marked_english() -> None:
    html = _facts_page("ru")

    assert 'lang="ru"' in html
    assert '<span lang="en">Award tickets can be booked for anyone; no nominee list.</span>' in html
    assert '<span lang="en">Miles4Migrants&#x27; Terms of Pledge, 27 Mar 2024</span>' in html
    assert '<span lang="en">Transfers take up to 48 hours.</span>' in html
    assert '<span lang="en">Bank&#x27;s points page</span>' in html
    # a fact a maintainer wrote in Russian is read in the page's language
    assert f"<td>{RUSSIAN_STATEMENT}</td>" in html


@pytest.mark.django_db
def test_the_english_facts_page_needs_no_language_marks() -> None:
    html = _facts_page("en")

    assert '<span lang="en">' not in html
    assert STATEMENT in html


@pytest.mark.django_db
def test_the_travel_catalogue_marks_english_citations_on_a_russian_page() -> None:
    program = make_program()
    ProgramCarrier.objects.create(
        program=program,
        carrier="ZZ",
        relation="own",
        source="Airline's partner page, checked by phone",
        as_of=datetime.date(2025, 1, 2),
    )
    staff = make_staff(Role.TRAVEL_COORDINATOR, OrganisationFactory.create())
    client = sign_in(Client(), staff)

    html = client.get(reverse("travel:programs"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert '<span lang="en">Airline&#x27;s partner page, checked by phone</span>' in html


def test_the_source_of_who_books_on_the_trip_page_is_marked_english() -> None:
    fact = SimpleNamespace(source=SOURCE, as_of=datetime.date(2024, 3, 27))
    program = SimpleNamespace(name="Test program", get_delegated_booking_display="—")
    rule = SimpleNamespace(
        reason="program_requires_donor",
        rule=SimpleNamespace(program=program, fact=fact),
        consent=False,
    )
    with translation.override("ru"):
        html = render_to_string("bookings/_mode_rule.html", {"rule": rule})

    assert '<span lang="en">Miles4Migrants&#x27; Terms of Pledge, 27 Mar 2024</span>' in html
    assert "источник" in html

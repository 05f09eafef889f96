# ruff: noqa: RUF001  (Russian interface text: Cyrillic letters that look Latin are meant)
"""A form sent with mistakes says so before anything else: the page title starts with
"Error:" (the first thing a screen reader reads on the new page, with or without
JavaScript), a summary at the top of the page lists each mistake as a link to its field,
and each field with a mistake is marked aria-invalid and described by its message."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.intake.factories import intake_world, request_form

pytestmark = pytest.mark.django_db


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def test_an_intake_sent_with_mistakes_lists_them_first_and_links_each_to_its_field() -> None:
    # Given an applicant reading the intake in Russian
    world = intake_world()
    client = Client()

    # When they send it without saying how to reach them or what happened
    response = client.post(
        reverse("intake:start"),
        request_form(world.organisation, contact="", story=""),
        HTTP_ACCEPT_LANGUAGE="ru",
    )

    # Then the page says so in its title and in a summary before the form
    html = response.content.decode()
    assert re.search(r"<title>Ошибка: ", html)
    start = html.index('class="error-summary"')
    summary = html[start : html.index("<form", start)]
    assert html.index("<h1>") > start
    assert 'role="alert"' in summary
    assert "В форме есть ошибки" in summary
    # ... each mistake links to its field, which exists on the page
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert [target for target, _text in links] == ["id_contact", "id_story"]
    assert {"id_contact", "id_story"} <= _ids(html)
    assert all("Обязательное поле." in text for _target, text in links)
    # ... and each field is marked invalid and described by its message
    for name in ("contact", "story"):
        field = re.search(rf'<textarea name="{name}"[^>]*>', html)
        assert field is not None
        assert 'aria-invalid="true"' in field.group()
        described_by = re.search(r'aria-describedby="([^"]+)"', field.group())
        assert described_by is not None
        assert f"id_{name}_error" in described_by.group(1).split()
        assert f"id_{name}_error" in _ids(html)


def test_a_form_shown_for_the_first_time_has_no_summary_and_a_plain_title() -> None:
    intake_world()

    html = Client().get(reverse("intake:start"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert "error-summary" not in html
    assert "<title>Ошибка" not in html


def test_a_choice_of_radio_buttons_links_to_its_first_button() -> None:
    # Given an intake sent without saying how urgent it is
    world = intake_world()
    form = request_form(world.organisation)
    del form["urgency"]

    html = Client().post(reverse("intake:start"), form).content.decode()

    # Then the summary's link leads to the first button, which the keyboard can reach
    assert '<a href="#id_urgency_0">' in html
    assert 'id="id_urgency_0"' in html

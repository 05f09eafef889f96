# ruff: noqa: RUF001  (Russian interface text: Cyrillic letters that look Latin are meant)
"""The applicant's pages: one neutral title, quick exit first and working, no-store, no
autocomplete, Russian, codename sign-in that answers alike for every failure (SR-13..SR-18)."""

import re

import pytest
from django.test import Client
from pytest_django import Settings

from safepassage.cases.models import Case, CaseState
from safepassage.intake import actions, codename_keys
from safepassage.intake.applicant_session import cookie_name
from safepassage.intake.views import CLEAR_SITE_DATA, DEFAULT_QUICK_EXIT_URL
from tests.intake.factories import intake_world, submit

pytestmark = pytest.mark.django_db

APPLICANT_PAGES = ["/help/", "/help/safety/", "/help/check/"]


@pytest.mark.parametrize("url", APPLICANT_PAGES)
def test_every_applicant_page_starts_with_quick_exit_and_keeps_one_neutral_title(
    url: str,
) -> None:
    intake_world()
    response = Client().get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert re.search(r"<title>\s*Help\s*</title>", html)
    first_link = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", html.split("<body>")[1])
    assert first_link is not None
    assert 'class="quick-exit"' in first_link.group(0)
    assert 'href="/help/exit/"' in first_link.group(0)
    assert "http://" not in html
    assert "https://" not in html
    assert "Staff sign-in" not in html


def test_the_form_never_autocompletes() -> None:
    intake_world()
    html = Client().get("/help/").content.decode()
    assert '<form method="post" class="stacked" novalidate autocomplete="off">' in html
    for field in re.findall(r"<(?:input|textarea)\b[^>]*>", html):
        if 'type="hidden"' in field or 'type="radio"' in field:
            continue
        assert 'autocomplete="off"' in field, field


def test_quick_exit_clears_everything_and_leaves_for_a_neutral_site() -> None:
    response = Client().get("/help/exit/")
    assert response.status_code == 302
    assert response["Location"] == DEFAULT_QUICK_EXIT_URL
    assert response["Clear-Site-Data"] == CLEAR_SITE_DATA
    assert response["Cache-Control"] == "no-store"
    assert response.cookies[cookie_name()].value == ""


def test_quick_exit_ends_the_applicant_session() -> None:
    world = intake_world()
    receipt = submit(world.organisation)
    client = Client()
    client.post("/help/check/", {"codename": receipt.codename, "case_code": receipt.case_code})
    assert client.get("/help/status/").status_code == 200
    client.get("/help/exit/")
    assert client.get("/help/status/")["Location"] == "/help/check/"


def test_the_quick_exit_script_is_same_origin_and_replaces_the_history_entry() -> None:
    intake_world()
    html = Client().get("/help/").content.decode()
    assert '<script src="/static/intake/quick-exit.js" defer></script>' in html
    from pathlib import Path

    import safepassage.intake

    script = (
        Path(safepassage.intake.__file__).parent / "static" / "intake" / "quick-exit.js"
    ).read_text()
    assert "location.replace" in script
    assert '"Shift"' in script


def test_the_form_and_safety_page_speak_russian() -> None:
    intake_world()
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    form = client.get("/help/").content.decode()
    safety = client.get("/help/safety/").content.decode()
    assert '<html lang="ru">' in form
    assert "Как с вами безопасно связаться?" in form
    assert "Быстрый выход" in form
    assert "Tor Browser" in safety
    assert "Быстрый выход" in safety


def test_a_russian_page_offers_russian_codename_words_first() -> None:
    intake_world()
    form = Client(HTTP_ACCEPT_LANGUAGE="ru").get("/help/").content.decode()
    assert re.search(r'value="ru"[^>]*checked', form)


def _sign_in(codename: str, case_code: str) -> tuple[int, str, tuple[str, ...]]:
    response = Client().post("/help/check/", {"codename": codename, "case_code": case_code})
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return response.status_code, page, tuple(sorted(response.cookies))


def test_the_right_codename_and_case_code_open_the_status_page() -> None:
    world = intake_world()
    receipt = submit(world.organisation)
    client = Client()
    response = client.post(
        "/help/check/", {"codename": receipt.codename.upper(), "case_code": receipt.case_code}
    )
    assert response.status_code == 302
    assert response["Location"] == "/help/status/"
    assert response.cookies[cookie_name()]["httponly"]
    assert response.cookies[cookie_name()]["samesite"] == "Strict"
    status = client.get("/help/status/").content.decode()
    assert "We have received your request." in status


def test_unknown_wrong_and_mismatched_codenames_answer_exactly_alike(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a real request, and a counter of Argon2id derivations
    world = intake_world()
    receipt = submit(world.organisation)
    other = submit(world.organisation)
    derivations: list[str] = []
    real_derive = codename_keys.derive_secrets

    def counting(*, codename: str) -> object:
        derivations.append("one")
        return real_derive(codename=codename)

    monkeypatch.setattr(actions, "derive_secrets", counting)
    words = receipt.codename.split()
    attempts = {
        "unknown": ("alpha bravo charlie delta echo foxtrot golf", receipt.case_code),
        "one word wrong": (" ".join([*words[:-1], "zebra"]), receipt.case_code),
        "wrong case code": (receipt.codename, other.case_code),
        "empty": ("", receipt.case_code),
    }
    # when each is tried
    answers = {name: _sign_in(*attempt) for name, attempt in attempts.items()}
    # then every answer is the same page, status and cookies, after the same work
    assert len(set(answers.values())) == 1
    status, page, cookies = answers["unknown"]
    assert status == 200
    assert cookie_name() not in cookies
    assert "We could not find a request with this codename and case code." in page
    assert len(derivations) == len(attempts)


def test_a_tampered_or_expired_cookie_is_no_session(monkeypatch: pytest.MonkeyPatch) -> None:
    world = intake_world()
    receipt = submit(world.organisation)
    client = Client()
    client.post("/help/check/", {"codename": receipt.codename, "case_code": receipt.case_code})
    value = client.cookies[cookie_name()].value
    client.cookies[cookie_name()] = value[:-4] + ("AAAA" if not value.endswith("AAAA") else "BBBB")
    assert client.get("/help/status/")["Location"] == "/help/check/"
    import safepassage.intake.applicant_session as session_module

    client.cookies[cookie_name()] = value
    monkeypatch.setattr(session_module, "LIFETIME_SECONDS", -1)
    fresh = Client()
    fresh.post("/help/check/", {"codename": receipt.codename, "case_code": receipt.case_code})
    assert fresh.get("/help/status/")["Location"] == "/help/check/"


@pytest.mark.parametrize(
    ("state", "words"),
    [
        (CaseState.VETTING, "Your request is being reviewed."),
        (CaseState.TICKETED, "Your journey is booked."),
        (CaseState.DECLINED, "We cannot help with this request."),
    ],
)
def test_the_status_is_told_in_applicant_safe_words(state: str, words: str) -> None:
    world = intake_world()
    receipt = submit(world.organisation)
    Case.objects.filter(code=receipt.case_code).update(state=state)
    client = Client()
    client.post("/help/check/", {"codename": receipt.codename, "case_code": receipt.case_code})
    page = client.get("/help/status/").content.decode()
    assert words in page
    assert world.caseworker.user.display_name not in page


def test_the_home_page_leads_to_the_intake_in_both_languages() -> None:
    assert 'href="/help/">Ask for help</a>' in Client().get("/").content.decode()
    russian = Client(HTTP_ACCEPT_LANGUAGE="ru").get("/").content.decode()
    assert 'href="/help/">Попросить о помощи</a>' in russian


def test_with_several_organisations_the_applicant_chooses_among_the_ready_ones() -> None:
    from tests.factories import OrganisationFactory

    first = intake_world().organisation
    second = intake_world().organisation
    without_keys = OrganisationFactory.create()
    html = Client().get("/help/").content.decode()
    assert '<select name="organisation"' in html
    assert first.name in html
    assert second.name in html
    assert without_keys.name not in html


def test_with_one_organisation_nothing_is_asked_about_it() -> None:
    world = intake_world()
    html = Client().get("/help/").content.decode()
    assert f'type="hidden" name="organisation" value="{world.organisation.public_id}"' in html
    assert world.organisation.name not in html


def test_an_onion_address_is_announced_on_the_intake(settings: Settings) -> None:
    settings.ONION_LOCATION = "http://exampleonionaddressxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion"
    response = Client().get("/help/safety/")
    assert response["Onion-Location"] == settings.ONION_LOCATION + "/help/safety/"


@pytest.mark.parametrize("url", ["/help/", "/help/check/"])
def test_no_cookie_outlives_the_browser_session(url: str) -> None:
    # Given an applicant opening a page (the form sets the CSRF cookie)
    intake_world()
    # When the page answers
    response = Client().get(url)
    # Then every cookie it sets ends with the browser session: nothing stays on a device
    # that could be searched later to show someone visited
    assert response.cookies
    for morsel in response.cookies.values():
        assert morsel["max-age"] == "", morsel.key
        assert morsel["expires"] == "", morsel.key

# ruff: noqa: RUF001  (Russian interface text: Cyrillic letters that look Latin are meant)
"""The public pages by keyboard alone, with JavaScript off (Debian's Chromium): an applicant
asks for help and checks the request, a donor pledges, both in Russian, with Tab, Enter,
Space and the arrow keys only. Quick exit is the first thing Tab reaches (SR-17), a form
sent with mistakes leads from its error summary to the field, and the focused element
shows a visible outline."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.cases.models import Case
from safepassage.donations.models import Pledge, PledgeStatus
from tests.donations.pledges.factories import DONOR_EMAIL, in_days, make_program
from tests.intake.factories import intake_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOST_TABS = 80


def _is_focused(target: Locator) -> bool:
    return bool(target.evaluate("element => element === document.activeElement"))


def _tab_to(page: Page, target: Locator) -> None:
    """Press Tab until ``target`` has the focus: it is reachable by keyboard."""
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        if _is_focused(target):
            return
    pytest.fail(f"Tab never reached {target}")


def _switch_to_russian(page: Page) -> None:
    _tab_to(page, page.locator("#language-select"))
    page.keyboard.press("ArrowDown")  # English -> Русский
    _tab_to(page, page.get_by_role("button", name="Switch"))
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "ru")


def test_an_applicant_asks_for_help_and_checks_the_request_by_keyboard_alone(
    live_server: LiveServer, page_without_js: Page
) -> None:
    # Given an organisation receiving requests and a browser with JavaScript off
    intake_world()
    page = page_without_js
    page.goto(live_server.url + "/help/")

    # When the applicant presses Tab once, quick exit has the focus, before anything else
    page.keyboard.press("Tab")
    quick_exit = page.locator("#quick-exit")
    assert _is_focused(quick_exit)
    # ... and it shows a visible outline while focused
    outline = quick_exit.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline not in {"", "none"}

    # When they switch the page to Russian with the keyboard
    _switch_to_russian(page)

    # And send the form with nothing filled in
    _tab_to(page, page.get_by_role("button", name="Отправить обращение"))
    page.keyboard.press("Enter")

    # Then the title and the summary say what is wrong, and the summary leads to the field
    expect(page).to_have_title(re.compile("^Ошибка: "))
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("В форме есть ошибки")
    _tab_to(page, summary.get_by_role("link").first)
    page.keyboard.press("Enter")
    contact = page.get_by_label("Как с вами безопасно связаться?")
    expect(contact).to_be_focused()
    expect(contact).to_have_attribute("aria-invalid", "true")

    # When they fill in the form with the keyboard (the focus is on the first field already)
    page.keyboard.type("Signal: @keyboard-canary")
    _tab_to(page, page.get_by_label("Где вы сейчас находитесь, в общих чертах?"))
    page.keyboard.type("Северный Кавказ")
    _tab_to(page, page.get_by_label("Сколько человек поедет, включая вас?"))
    page.keyboard.press("ArrowDown")  # 1 -> 2
    _tab_to(page, page.get_by_label("Что случилось и почему вам нужно уехать?"))
    page.keyboard.type("Меня ищут.")
    # Tab stops on the group's chosen button ("weeks" by default); an arrow key changes it
    _tab_to(page, page.get_by_label("Мне нужно уехать в ближайшие недели"))
    page.keyboard.press("ArrowUp")  # moves to, and chooses, "in the coming days"
    expect(page.get_by_label("Мне нужно уехать в ближайшие дни")).to_be_checked()
    _tab_to(page, page.get_by_role("button", name="Отправить обращение"))
    page.keyboard.press("Enter")

    # Then the request is sent, as they described it
    expect(page.get_by_role("heading", level=1)).to_have_text("Ваше обращение отправлено")
    codename = page.locator("#codename").inner_text()
    case_code = page.locator("#case-code").inner_text()
    case = Case.objects.get(code=case_code)
    assert (case.party_size, case.priority) == (2, 3)

    # When they go to check the request, type the codename and case code and press Enter
    _tab_to(page, page.get_by_role("link", name="Проверить обращение").first)
    page.keyboard.press("Enter")
    _tab_to(page, page.get_by_label("Ваше кодовое имя"))
    page.keyboard.type(codename)
    _tab_to(page, page.get_by_label("Номер вашего дела"))
    page.keyboard.type(case_code)
    page.keyboard.press("Enter")

    # Then they see the status of their request
    expect(page.locator("#status")).to_have_text("Мы получили ваше обращение. Скоро его прочитают.")
    # ... and quick exit is still the first stop of Tab
    page.keyboard.press("Tab")
    assert _is_focused(page.locator("#quick-exit"))


def test_a_donor_pledges_by_keyboard_alone(live_server: LiveServer, page_without_js: Page) -> None:
    # Given a program and a donor with JavaScript off, reading in Russian
    program = make_program(minimum=1_000)
    page = page_without_js
    page.goto(live_server.url + "/donate/pledge/")
    _switch_to_russian(page)

    # When they fill in the pledge form with the keyboard only
    _tab_to(page, page.get_by_label("Программа лояльности"))
    page.keyboard.type("Test program")  # a closed list jumps to the option typed
    expect(page.get_by_label("Программа лояльности")).to_have_value(str(program.pk))
    _tab_to(page, page.get_by_label("Сколько миль или баллов вы обещаете"))
    page.keyboard.type("30000")
    expires = page.get_by_label("Дата сгорания")
    _tab_to(page, expires)
    day = in_days(200)
    page.keyboard.type(f"{day.month:02d}{day.day:02d}{day.year}")  # the picker's own order
    expect(expires).to_have_value(day.isoformat())
    _tab_to(page, page.get_by_label("Адрес электронной почты"))
    page.keyboard.type(DONOR_EMAIL)
    anonymous = page.get_by_label("Не показывать моё имя публично")
    _tab_to(page, anonymous)
    page.keyboard.press("Space")
    expect(anonymous).not_to_be_checked()
    _tab_to(page, page.get_by_role("button", name="Пообещать"))
    page.keyboard.press("Enter")

    # Then they are asked to confirm by e-mail, and the pledge waits for it in Russian
    expect(page.get_by_role("heading", level=1)).to_have_text("Проверьте почту")
    pledge = Pledge.objects.get()
    assert (pledge.status, pledge.miles, pledge.language) == (
        PledgeStatus.UNCONFIRMED,
        30_000,
        "ru",
    )
    assert pledge.expires_on == day
    assert pledge.is_anonymous is False


@pytest.mark.parametrize("path", ["/help/", "/donate/pledge/"])
def test_every_stop_of_tab_shows_where_the_focus_is(
    live_server: LiveServer, page_without_js: Page, path: str
) -> None:
    # Given the intake and the pledge form with JavaScript off
    intake_world()
    make_program(minimum=1_000)
    page = page_without_js
    page.goto(live_server.url + path)

    # When the visitor tabs through the whole page
    unmarked = []
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const element = document.activeElement;"
            " return element === document.body ? null : [element.outerHTML.slice(0, 60),"
            " getComputedStyle(element).outlineStyle, element.matches(':focus')] }"
        )
        if focused is None:
            break
        html, outline, host_focused = focused
        if not host_focused:
            # Chromium's calendar button inside a date input: the browser draws its own ring
            # there, and the input itself does not count as focused, so no rule of ours can
            # (a vendor pseudo-element in the focus rule would drop the rule in Firefox).
            continue
        # Then each element it stops on draws an outline (the :focus-visible rule)
        if outline in {"", "none"}:
            unmarked.append(html)
    assert unmarked == []

# ruff: noqa: RUF001  (Russian interface text: Cyrillic letters that look Latin are meant)
"""An applicant asks for help in Russian with JavaScript off, gets a codename, checks the
status and replies; a caseworker takes, reads, answers, triages and advances the case; every
request the browser makes stays on the site's own origin (issue 4, SR-13, SR-17). An
applicant withdraws their request; an error page under /help/ puts quick exit first."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts.roles import Role
from safepassage.cases.models import Case, CaseState
from tests.browser_steps import sign_in_through_the_pages
from tests.cases.factories import keyed_organisation, make_keyed_staff
from tests.conftest import BROWSER_TIMEOUT_MS
from tests.intake.factories import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _watch(page: Page, requested: list[str]) -> None:
    page.on("request", lambda request: requested.append(request.url))


def test_an_applicant_asks_in_russian_without_javascript_and_a_caseworker_runs_the_case(
    live_server: LiveServer, page_without_js: Page, browser: Browser
) -> None:
    # Given an organisation with a caseworker who holds the case-team key
    organisation, _recovery = keyed_organisation()
    caseworker = make_keyed_staff(Role.CASEWORKER, organisation)
    requested: list[str] = []
    page = page_without_js
    _watch(page, requested)

    # When the applicant opens the intake and switches it to Russian
    page.goto(live_server.url + "/help/")
    page.get_by_label("Language").select_option("ru")
    page.get_by_role("button", name="Switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page).to_have_title("Помощь")
    expect(page.get_by_role("link", name="Быстрый выход")).to_be_visible()

    # And fills in the form
    page.get_by_label("Как с вами безопасно связаться?").fill("Signal: @browser-canary")
    page.get_by_label("Где вы сейчас находитесь, в общих чертах?").fill("Северный Кавказ")
    page.get_by_label("Сколько человек поедет, включая вас?").select_option("2")
    page.get_by_label("Кто поедет с вами?").fill("Мой партнёр")
    page.get_by_label("Что случилось и почему вам нужно уехать?").fill("Меня ищут.")
    page.get_by_label("Мне нужно уехать в ближайшие дни").check()
    page.get_by_role("button", name="Отправить обращение").click()

    # Then they see a codename of seven Russian words and the case code, once
    expect(page.get_by_role("heading", level=1)).to_have_text("Ваше обращение отправлено")
    codename = page.locator("#codename").inner_text()
    case_code = page.locator("#case-code").inner_text()
    assert len(codename.split()) == 7
    assert all(re.fullmatch("[а-я]+", word) for word in codename.split())
    case = Case.objects.get(code=case_code)
    assert (case.state, case.party_size, case.priority) == (CaseState.NEW, 2, 3)

    # When they check the request with codename and case code
    page.get_by_role("link", name="Проверить обращение").first.click()
    page.get_by_label("Ваше кодовое имя").fill(codename)
    page.get_by_label("Номер вашего дела").fill(case_code)
    page.get_by_role("button", name="Продолжить").click()

    # Then they see the status in plain words, and they send a message
    expect(page.locator("#status")).to_have_text("Мы получили ваше обращение. Скоро его прочитают.")
    page.get_by_label("Ваше сообщение").fill("Я на связи по вечерам.")
    page.get_by_role("button", name="Отправить", exact=True).click()
    expect(page.get_by_text("Я на связи по вечерам.")).to_be_visible()

    # When a caseworker signs in (in another browser), takes the request and reads it
    staff_context = browser.new_context(java_script_enabled=False)
    staff_context.set_default_timeout(BROWSER_TIMEOUT_MS)
    staff = staff_context.new_page()
    _watch(staff, requested)
    sign_in_through_the_pages(staff, live_server.url, caseworker.staff)
    staff.goto(live_server.url + "/cases/")
    staff.get_by_role("link", name=case_code).click()
    staff.get_by_role("button", name="Take this request").click()
    expect(staff.get_by_text("Signal: @browser-canary")).to_be_visible()
    expect(staff.get_by_text("Мой партнёр")).to_be_visible()

    # And reads the applicant's message and answers it
    staff.get_by_role("link", name="Open the messages").click()
    expect(staff.get_by_text("Я на связи по вечерам.")).to_be_visible()
    staff.get_by_label("Your message").fill("Мы напишем вам завтра.")
    staff.get_by_role("button", name="Send to the applicant").click()
    expect(staff.get_by_text("Мы напишем вам завтра.")).to_be_visible()

    # And triages and advances the case
    staff.get_by_role("link", name=case_code).click()
    for target, reason in (("triaged", "Read the request"), ("vetting", "Checking the story")):
        staff.get_by_role("link", name="Change the state").click()
        staff.get_by_label("New state").select_option(target)
        staff.get_by_label("Why").fill(reason)
        staff.get_by_role("button", name="Save").click()
        expect(staff.get_by_text(reason)).to_be_visible()
    case.refresh_from_db()
    assert case.state == CaseState.VETTING

    # Then the applicant sees the new status and the reply, without any staff name
    page.reload()
    expect(page.locator("#status")).to_have_text("Ваше обращение рассматривается.")
    expect(page.get_by_text("Мы напишем вам завтра.")).to_be_visible()
    expect(page.get_by_text(caseworker.user.display_name)).to_have_count(0)

    # And they reply again
    page.get_by_label("Ваше сообщение").fill("Спасибо.")
    page.get_by_role("button", name="Отправить", exact=True).click()
    expect(page.get_by_text("Спасибо.")).to_be_visible()

    # When they leave with quick exit, the browser is sent away (to a neutral site)
    page.route("https://www.wikipedia.org/**", lambda route: route.fulfill(body="neutral"))
    page.get_by_role("link", name="Быстрый выход").click()
    expect(page).to_have_url("https://www.wikipedia.org/")

    # And every request the pages made, but that exit, went to the site itself
    staff_context.close()
    assert {url for url in requested if not url.startswith(live_server.url)} == {
        "https://www.wikipedia.org/"
    }


def test_shift_three_times_leaves_and_replaces_the_history_entry(
    live_server: LiveServer, page: Page
) -> None:
    # Given the intake open in a browser with JavaScript, after another page
    organisation, _recovery = keyed_organisation()
    make_keyed_staff(Role.CASEWORKER, organisation)
    page.route("https://www.wikipedia.org/**", lambda route: route.fulfill(body="neutral"))
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(live_server.url + "/help/safety/")
    page.goto(live_server.url + "/help/")
    # When Shift is pressed three times
    for _ in range(3):
        page.keyboard.press("Shift")
    # Then the browser is at the neutral site, and Back skips the intake page it replaced
    expect(page).to_have_url("https://www.wikipedia.org/")
    page.go_back()
    expect(page).to_have_url(live_server.url + "/help/safety/")
    # and the script ran within the page's Content-Security-Policy
    assert [line for line in console if "Content Security Policy" in line] == []


def test_an_applicant_withdraws_their_request_without_javascript(
    live_server: LiveServer, page_without_js: Page
) -> None:
    # Given a request and its applicant signed in with codename and case code
    organisation, _recovery = keyed_organisation()
    make_keyed_staff(Role.CASEWORKER, organisation)
    receipt = submit(organisation)
    page = page_without_js
    page.goto(live_server.url + "/help/check/")
    page.get_by_label("Your codename").fill(receipt.codename)
    page.get_by_label("Your case code").fill(receipt.case_code)
    page.get_by_role("button", name="Continue").click()
    # When they choose to withdraw, are asked to confirm, and confirm
    page.get_by_role("link", name="Withdraw my request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw your request")
    page.get_by_role("button", name="Withdraw my request").click()
    assert Case.objects.get(code=receipt.case_code).state == CaseState.NEW  # not confirmed
    page.get_by_label(re.compile("Yes, withdraw my request")).check()
    page.get_by_role("button", name="Withdraw my request").click()
    # Then the status says so in plain words, and the case is withdrawn
    expect(page.locator("#status")).to_contain_text("This request was withdrawn.")
    assert Case.objects.get(code=receipt.case_code).state == CaseState.WITHDRAWN


def test_an_error_page_under_help_puts_quick_exit_first(
    live_server: LiveServer, page_without_js: Page
) -> None:
    page = page_without_js
    response = page.goto(live_server.url + "/help/no-such-page/")
    assert response is not None
    assert response.status == 404
    expect(page).to_have_title("Help")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Quick exit")).to_be_focused()
    expect(page.get_by_text("Staff sign-in")).to_have_count(0)

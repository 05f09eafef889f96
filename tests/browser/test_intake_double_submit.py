"""An applicant with JavaScript off double-clicks "Send my request" on a slow connection: one
case is opened and the codename the browser finally shows is the one that opens it; sending
the page again (reload) shows the same codename and opens nothing (decision 0026)."""

import time
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts.roles import Role
from safepassage.cases.models import Case
from safepassage.intake import actions
from safepassage.intake.codename_keys import derive_secrets
from safepassage.intake.models import Applicant
from tests.cases.factories import keyed_organisation, make_keyed_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _slowly(function: Callable[..., Any]) -> Callable[..., Any]:
    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.7)
        return function(*args, **kwargs)

    return slow


def test_a_double_click_without_javascript_opens_one_case_and_shows_its_codename(
    live_server: LiveServer, page_without_js: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an organisation that receives requests, and a server slow to answer a request
    organisation, _recovery = keyed_organisation()
    make_keyed_staff(Role.CASEWORKER, organisation)
    monkeypatch.setattr(actions, "derive_secrets", _slowly(derive_secrets))
    page = page_without_js
    posts: list[str] = []
    page.on(
        "request", lambda request: posts.append(request.url) if request.method == "POST" else None
    )
    page.goto(live_server.url + "/help/")
    page.get_by_label("How can we reach you safely?").fill("Signal: @double-click")
    page.get_by_label("Where are you now, in broad terms?").fill("North Caucasus")
    page.get_by_label("What happened, and why do you need to leave?").fill("They look for me.")
    page.get_by_label("English words").check()

    # When the applicant double-clicks Send
    send = page.get_by_role("button", name="Send my request")
    send.scroll_into_view_if_needed()
    box = send.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    page.wait_for_timeout(250)
    page.mouse.click(x, y)

    # Then the browser shows a codename and case code, and exactly one case was opened: theirs
    expect(page.get_by_role("heading", level=1)).to_have_text("Your request has been sent")
    codename = page.locator("#codename").inner_text()
    case_code = page.locator("#case-code").inner_text()
    assert len(posts) == 2  # both clicks reached the server
    assert Case.objects.count() == Applicant.objects.count() == 1
    assert Case.objects.get().code == case_code

    # When the page is sent again (reload resends the form)
    page.reload()

    # Then it shows the same codename and case code, and still one case exists
    expect(page.locator("#codename")).to_have_text(codename)
    expect(page.locator("#case-code")).to_have_text(case_code)
    assert Case.objects.count() == 1

    # And the codename shown opens the request
    page.goto(live_server.url + "/help/check/")
    page.get_by_label("Your codename").fill(codename)
    page.get_by_label("Your case code").fill(case_code)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#status")).to_be_visible()

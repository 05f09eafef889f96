"""A caseworker finds a case the system moved back, from the dashboard, and dismisses it, in
Chromium with JavaScript off."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from safepassage.accounts.roles import Role
from safepassage.cases.models import CaseAttention, CaseState
from tests.browser_steps import sign_in_through_the_pages
from tests.cases.attention_factories import clear_attention_for
from tests.cases.factories import keyed_organisation, make_case, make_keyed_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_caseworker_sees_and_dismisses_a_case_that_needs_attention_without_javascript(
    live_server: LiveServer, page_without_js: Page
) -> None:
    # Given a caseworker whose case the system sent back to "travel planned"
    organisation, _ = keyed_organisation()
    keyed = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=keyed, full_name="Browser Attention Person")
    case.state = CaseState.TRAVEL_PLANNED
    case.save(update_fields=["state"])
    item = clear_attention_for(case=case, recipient=keyed.user)
    page = page_without_js
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    sign_in_through_the_pages(page, live_server.url, keyed.staff)

    # When they open their dashboard
    page.goto(live_server.url + "/dashboard/")

    # Then it says a case needs their attention and leads to the case list
    notice = "A case your organisation works on needs your attention."
    expect(page.get_by_text(notice)).to_be_visible()
    page.get_by_role("link", name="See them on your case list").click()
    attention = page.get_by_role("region", name="Needs your attention")
    expect(attention.get_by_role("link", name=case.code)).to_be_visible()
    expect(attention.get_by_text("A booked ticket was cancelled before departure")).to_be_visible()

    # When they dismiss it
    attention.get_by_role("button", name=f"Dismiss {case.code}").click()

    # Then it is gone from the list and the dashboard, and kept as dismissed
    expect(page.get_by_role("heading", name="Cases", exact=True)).to_be_visible()
    expect(page.get_by_role("region", name="Needs your attention")).to_have_count(0)
    page.goto(live_server.url + "/dashboard/")
    expect(page.get_by_text("needs your attention")).to_have_count(0)
    item.refresh_from_db()
    assert item.dismissed_on is not None
    assert CaseAttention.objects.filter(dismissed_on__isnull=True).count() == 0
    # and every request the browser made went to the site's own origin
    assert [url for url in requests if not url.startswith(live_server.url)] == []

"""The home page in a real browser (Debian's Chromium through Playwright).

Also proves the browser test machinery: Django's live server, the database and
Playwright's event loop in one test process.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

pytestmark = pytest.mark.browser


def test_home_page_denies_by_default_and_loads_nothing_from_elsewhere(
    live_server: LiveServer, page: Page
) -> None:
    # Given a browser recording every request and every console message
    requested: list[str] = []
    console: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: console.append(message.text))

    # When it opens the home page and everything the page asks for has arrived
    response = page.goto(live_server.url + "/", wait_until="networkidle")

    # Then the page answered with a deny-by-default Content-Security-Policy
    assert response is not None
    assert response.status == 200
    policy = response.headers.get("content-security-policy", "")
    assert "default-src 'none'" in policy
    # ... the browser asked nothing of another origin
    foreign = [url for url in requested if not url.startswith(live_server.url + "/")]
    assert foreign == []
    # ... and nothing on the page broke that policy
    violations = [text for text in console if "Content Security Policy" in text]
    assert violations == []


def test_home_page_works_without_javascript(live_server: LiveServer, page_without_js: Page) -> None:
    # When a browser with JavaScript off (Tor Browser's safest level) opens the home page
    response = page_without_js.goto(live_server.url + "/")

    # Then it gets a whole page with a heading, in a declared language
    assert response is not None
    assert response.status == 200
    assert page_without_js.locator("h1").first.inner_text().strip() != ""
    assert page_without_js.locator("html").get_attribute("lang")


def test_database_is_usable_while_the_browser_runs(live_server: LiveServer, page: Page) -> None:
    # Given Playwright running (its event loop counts as running in this thread)
    page.set_content("<p id='greeting'>hello</p>")

    # When the test uses the ORM between browser steps
    count = ContentType.objects.count()

    # Then Django does not refuse it as async-unsafe, and the browser still answers
    assert count > 0
    assert page.locator("#greeting").inner_text() == "hello"


def test_page_runs_javascript_by_default(page: Page) -> None:
    # Given a page that logs to the console
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))

    # When its script runs (JavaScript is on by default)
    page.set_content("<script>console.log('ready')</script>")

    # Then the test sees the message
    assert messages == ["ready"]

"""Fixtures and collection rules for the whole test suite (see docs/dev/testing.md).

- Password hashing is fast (MD5) in every test unless it is marked
  ``@pytest.mark.real_password_hashers``.
- ``browser`` (one headless Debian Chromium per test process, driven by Playwright),
  ``page`` (a fresh browser context per test, JavaScript on) and ``page_without_js``
  (JavaScript off, as in Tor Browser's safest level). Tests using them are marked
  ``browser`` automatically, run after every other test of their process, and are
  skipped with a printed reason where /usr/bin/chromium is missing, unless
  SAFEPASSAGE_REQUIRE_BROWSER=1 (CI), where a missing Chromium is an error.
- ``postgres_only`` tests are skipped unless the database is PostgreSQL.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from playwright.sync_api import Browser, Page, sync_playwright
from pytest_django import Settings

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying to reach Google's
# hosts, which this closed network refuses many times a second.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_FIXTURES = frozenset({"browser", "page", "page_without_js"})
BROWSER_TIMEOUT_MS = 15_000
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CHROMIUM_MISSING = f"{CHROMIUM} not found: apt-get install chromium to run the browser tests"

# Never let Playwright fetch a browser of its own: we drive Debian's Chromium.
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")


# Property tests check behaviour, not speed: on a loaded 2-core CI machine an example may take
# seconds, which Hypothesis' default 200 ms deadline would report as a failure.
hypothesis_settings.register_profile(
    "safepassage", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("safepassage")


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def browser_required() -> bool:
    return os.environ.get("SAFEPASSAGE_REQUIRE_BROWSER", "") in {"1", "true", "yes"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "real_password_hashers: keep the configured (slow, Argon2) password hashers "
        "instead of the fast MD5 hasher every other test uses",
    )


def pytest_report_header(config: pytest.Config) -> list[str]:
    vendor = connections["default"].vendor
    browser = "Chromium " + str(CHROMIUM) if chromium_available() else CHROMIUM_MISSING
    return [f"database: {vendor}", f"browser tests: {browser}"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark, skip and order tests by what they need."""
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)

    # Where the browser is required (CI), the browser fixture fails these tests instead.
    if not chromium_available() and not browser_required():
        skip_browser = pytest.mark.skip(reason=CHROMIUM_MISSING)
        for item in items:
            if item.get_closest_marker("browser"):
                item.add_marker(skip_browser)

    if connections["default"].vendor != "postgresql":
        skip_postgres = pytest.mark.skip(
            reason="needs PostgreSQL: DATABASE_URL=$(scripts/postgres start) scripts/test"
        )
        for item in items:
            if item.get_closest_marker("postgres_only"):
                item.add_marker(skip_postgres)

    # Browser tests last: once Playwright runs, its event loop counts as running in
    # this thread (see the browser fixture), so no other test should follow them in
    # the same process. pytest-xdist hands each worker tests in this order.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(autouse=True)
def _fast_password_hashing(request: pytest.FixtureRequest, settings: Settings) -> None:
    """Hash passwords with MD5 in tests: Argon2 would cost ~50 ms per user created."""
    if request.node.get_closest_marker("real_password_hashers") is None:
        settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS
        # Weak Argon2id for staff key envelopes too (read by cases.key_actions.kdf_parameters).
        settings.SAFEPASSAGE_KDF_PARAMETERS = {"memory_kib": 8, "iterations": 1, "parallelism": 1}


@pytest.fixture(autouse=True)
def _default_language_after_each_test() -> Iterator[None]:
    """A request in Russian leaves Russian active in the thread; the next test starts in English."""
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """Debian's Chromium, headless, started once per test process.

    Playwright's sync API keeps an asyncio event loop registered as running in this
    thread for as long as it is started, so Django's async-unsafe guard would refuse
    every ORM call in the test (and in ``live_server``'s database teardown) with
    SynchronousOnlyOperation. DJANGO_ALLOW_ASYNC_UNSAFE is therefore set exactly while
    Playwright runs, which, as browser tests are ordered last, is only during them.
    Playwright launches Chromium with a new, empty user-data-dir of its own each time.
    """
    if not chromium_available():
        if browser_required():
            pytest.fail(f"SAFEPASSAGE_REQUIRE_BROWSER is set but {CHROMIUM_MISSING}")
        pytest.skip(CHROMIUM_MISSING)
    downloads = tmp_path_factory.mktemp("chromium-downloads")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                headless=True,
                args=CHROMIUM_ARGS,
                downloads_path=downloads,
            )
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
        shutil.rmtree(downloads, ignore_errors=True)


def _new_page(browser: Browser, *, javascript: bool) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=javascript, service_workers="block")
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh browser context (no cookies, no storage), JavaScript on."""
    yield from _new_page(browser, javascript=True)


@pytest.fixture
def page_without_js(browser: Browser) -> Iterator[Page]:
    """A page in a fresh browser context with JavaScript off, as for Tor's safest level."""
    yield from _new_page(browser, javascript=False)

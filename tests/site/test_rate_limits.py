"""SR-16: rate limits count clients by a daily HMAC of their address, never the address."""

import datetime
import logging

import pytest
from django.db import connection
from django.http import HttpRequest
from django.test import RequestFactory
from django.utils import timezone
from pytest_django import Settings

from safepassage.site import rate_limits
from safepassage.site.models import RateLimitCounter

pytestmark = pytest.mark.django_db

WINDOW = datetime.timedelta(minutes=10)
ADDRESS = "203.0.113.77"
NOON = datetime.datetime(2026, 11, 25, 12, 0, 3, tzinfo=datetime.UTC)


def _request(address: str = ADDRESS, forwarded_for: str = "") -> HttpRequest:
    request = RequestFactory().post("/anything/", REMOTE_ADDR=address)
    if forwarded_for:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return request


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[datetime.datetime]:
    """A fake clock: tests move ``clock[0]``."""
    now = [NOON]
    monkeypatch.setattr(timezone, "now", lambda: now[0])
    return now


def _hits(count: int, *, address: str = ADDRESS, scope: str = "test", limit: int = 3) -> list[bool]:
    return [
        rate_limits.hit(request=_request(address), scope=scope, limit=limit, window=WINDOW)
        for _ in range(count)
    ]


def test_the_request_after_the_limit_is_refused(clock: list[datetime.datetime]) -> None:
    assert _hits(5) == [True, True, True, False, False]


def test_different_addresses_and_scopes_count_separately(clock: list[datetime.datetime]) -> None:
    # given: one client used up its limit
    _hits(4)

    # then: another address, and the same address in another scope, are still welcome
    assert _hits(3, address="198.51.100.5") == [True, True, True]
    assert _hits(3, scope="other") == [True, True, True]


def test_a_new_window_starts_afresh_and_old_counters_are_deleted(
    clock: list[datetime.datetime],
) -> None:
    # given
    _hits(4)

    # when: the window has passed
    clock[0] = NOON + WINDOW
    allowed = _hits(1)

    # then: the old window's counter is gone; only the new one is left
    assert allowed == [True]
    assert RateLimitCounter.objects.count() == 1
    assert RateLimitCounter.objects.get().hits == 1


def test_the_key_changes_every_day(clock: list[datetime.datetime]) -> None:
    request = _request()
    today = rate_limits.client_digest(request=request, scope="test", now=NOON)
    tomorrow = rate_limits.client_digest(
        request=request,
        scope="test",
        now=NOON + datetime.timedelta(days=1),
    )

    assert today != tomorrow


def test_an_ipv6_network_counts_as_one_client(clock: list[datetime.datetime]) -> None:
    first = _hits(2, address="2001:db8:1:2::10")
    second = _hits(2, address="2001:db8:1:2:ffff::99")
    elsewhere = _hits(1, address="2001:db8:1:3::10")

    assert first + second == [True, True, True, False]
    assert elsewhere == [True]


def test_behind_a_proxy_the_configured_header_names_the_client(
    clock: list[datetime.datetime], settings: Settings
) -> None:
    settings.RATE_LIMIT_CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"
    proxy = "127.0.0.1"
    results = [
        rate_limits.hit(
            request=_request(proxy, forwarded_for=f"10.9.9.9, {address}"),
            scope="test",
            limit=1,
            window=WINDOW,
        )
        for address in (ADDRESS, "198.51.100.5", ADDRESS)
    ]

    assert results == [True, True, False]


def test_no_table_holds_the_clear_address_and_no_log_line_names_it(
    clock: list[datetime.datetime], caplog: pytest.LogCaptureFixture
) -> None:
    # given
    caplog.set_level(logging.DEBUG)

    # when
    _hits(5)

    # then: not in any column of any table, nor in the logs
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608  # table names from introspection
            for row in cursor.fetchall():
                assert ADDRESS not in repr(row), table
    assert ADDRESS not in caplog.text
    assert RateLimitCounter.objects.exists()


def test_reset_forgets_every_counter(clock: list[datetime.datetime]) -> None:
    _hits(4)

    rate_limits.reset()

    assert _hits(1) == [True]


@pytest.mark.parametrize(("limit", "window"), [(-1, WINDOW), (3, datetime.timedelta(0))])
def test_a_meaningless_limit_is_refused(limit: int, window: datetime.timedelta) -> None:
    with pytest.raises(ValueError, match="rate limit"):
        rate_limits.hit(request=_request(), scope="test", limit=limit, window=window)

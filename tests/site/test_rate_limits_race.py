"""On PostgreSQL, 30 requests from one address at once, as from several server
processes: exactly the limit gets through, and they all share one counter row."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.test import RequestFactory

from safepassage.site import rate_limits
from safepassage.site.models import RateLimitCounter

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

WORKERS = 30
LIMIT = 7


def test_concurrent_requests_share_one_counter_and_only_the_limit_passes() -> None:
    barrier = threading.Barrier(WORKERS)

    def one_request(_index: int) -> bool:
        try:
            barrier.wait(timeout=60)
            request = RequestFactory().post("/pledge/", REMOTE_ADDR="198.51.100.23")
            return rate_limits.hit(
                request=request,
                scope="race",
                limit=LIMIT,
                window=datetime.timedelta(minutes=10),
            )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        allowed = list(pool.map(one_request, range(WORKERS)))

    assert allowed.count(True) == LIMIT
    counter = RateLimitCounter.objects.get()
    assert counter.hits == WORKERS

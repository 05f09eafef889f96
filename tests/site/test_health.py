"""`safepassage health` reports the age of the oldest task waiting for the worker and fails
(exit 1) when it is older than the limit: no worker is taking tasks. Times are explicit
`now` values, never waited for."""

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safepassage.site.queue_health import get_queue_health
from safepassage.site.tasks import delete_expired_rate_limit_counters

pytestmark = pytest.mark.django_db


def _enqueued(age: timedelta) -> tuple[str, datetime]:
    """A task waiting since ``age`` ago: its id and when it was enqueued."""
    result = delete_expired_rate_limit_counters.enqueue()
    enqueued_at = timezone.now() - age
    DBTaskResult.objects.filter(id=result.id).update(enqueued_at=enqueued_at)
    return result.id, enqueued_at


def test_no_task_waiting_is_healthy() -> None:
    health = get_queue_health(now=timezone.now())
    assert (health.waiting, health.oldest_waiting_age, health.running) == (0, None, 0)
    assert not health.worker_missing()
    out = StringIO()
    call_command("health", stdout=out)
    assert "tasks waiting: 0" in out.getvalue()
    assert out.getvalue().strip().endswith("ok")


def test_the_oldest_waiting_task_gives_the_age() -> None:
    _id, enqueued_at = _enqueued(timedelta(minutes=1))
    _enqueued(timedelta(seconds=10))
    now = enqueued_at + timedelta(minutes=1)
    health = get_queue_health(now=now)
    assert health.waiting == 2
    assert health.oldest_waiting_age == timedelta(minutes=1)
    assert not health.worker_missing()
    later = get_queue_health(now=now + timedelta(minutes=5))
    assert later.oldest_waiting_age == timedelta(minutes=6)
    assert later.worker_missing()


def test_a_task_waiting_too_long_fails_the_check_naming_the_worker() -> None:
    _enqueued(timedelta(minutes=5))
    out = StringIO()
    with pytest.raises(CommandError, match="safepassage db_worker"):
        call_command("health", stdout=out)
    assert "tasks waiting: 1; oldest queued: 5m" in out.getvalue()
    # a longer limit accepts it
    call_command("health", "--max-queued-age", "3600", stdout=StringIO())


def test_a_task_taken_by_the_worker_no_longer_waits() -> None:
    task_id, _at = _enqueued(timedelta(minutes=5))
    DBTaskResult.objects.filter(id=task_id).update(status="RUNNING", started_at=timezone.now())
    health = get_queue_health(now=timezone.now())
    assert (health.waiting, health.running) == (0, 1)
    assert health.oldest_running_since is not None

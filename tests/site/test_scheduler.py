"""The periodic-task scheduler: each slot enqueued once, across restarts and twins."""

import datetime
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safepassage.donations.pledges.tasks import run_pledge_expiry
from safepassage.ledger.models import LedgerTransaction
from safepassage.site.models import ScheduledTaskRun
from safepassage.site.scheduler import Registry, Scheduler, describe, discover, schedule
from safepassage.site.tasks import delete_expired_rate_limit_counters
from tests.donations.pledges.factories import confirmed_pledge

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
# 2026-11-25 01:30 UTC: before the 02:00 slot of that day
NIGHT = datetime.datetime(2026, 11, 25, 1, 30, tzinfo=datetime.UTC)


@task()
def sample_task() -> None:
    """A task that does nothing; the tests only count its queue rows."""


class FakeClock:
    def __init__(self, now: datetime.datetime) -> None:
        self.now = now

    def __call__(self) -> datetime.datetime:
        return self.now


def _daily_at_two() -> Registry:
    registry = Registry()
    schedule(
        sample_task,
        every=DAY,
        at=datetime.time(2, 0),
        name="tests.sample_task",
        registry=registry,
    )
    return registry


def _queued() -> int:
    return DBTaskResult.objects.filter(task_path=sample_task.module_path).count()


def test_slots_start_at_the_given_time_and_repeat() -> None:
    periodic = _daily_at_two().tasks["tests.sample_task"]

    assert periodic.latest_slot(NIGHT) == datetime.datetime(2026, 11, 24, 2, tzinfo=datetime.UTC)
    assert periodic.next_slot(NIGHT) == datetime.datetime(2026, 11, 25, 2, tzinfo=datetime.UTC)
    exactly = datetime.datetime(2026, 11, 25, 2, tzinfo=datetime.UTC)
    assert periodic.latest_slot(exactly) == exactly


def test_the_first_tick_enqueues_and_the_same_slot_is_never_enqueued_again() -> None:
    # given
    clock = FakeClock(NIGHT)
    registry = _daily_at_two()

    # when: a tick, another tick, and a restarted scheduler, all before the next slot
    first = Scheduler(registry=registry, clock=clock).tick()
    clock.now += datetime.timedelta(minutes=29)
    again = Scheduler(registry=registry, clock=clock).tick()

    # then
    assert [entry.name for entry in first] == ["tests.sample_task"]
    assert again == []
    assert _queued() == 1


def test_each_new_slot_is_enqueued_once() -> None:
    clock = FakeClock(NIGHT)
    scheduler = Scheduler(registry=_daily_at_two(), clock=clock)
    scheduler.tick()

    clock.now = NIGHT + datetime.timedelta(minutes=30)  # 02:00, the next slot
    at_two = scheduler.tick()
    clock.now += datetime.timedelta(hours=5)
    later_that_day = scheduler.tick()

    assert [entry.slot for entry in at_two] == [
        datetime.datetime(2026, 11, 25, 2, tzinfo=datetime.UTC)
    ]
    assert later_that_day == []
    assert _queued() == 2


def test_slots_missed_while_the_scheduler_was_down_are_caught_up_once() -> None:
    clock = FakeClock(NIGHT)
    Scheduler(registry=_daily_at_two(), clock=clock).tick()

    clock.now = NIGHT + 3 * DAY
    caught_up = Scheduler(registry=_daily_at_two(), clock=clock).tick()

    assert len(caught_up) == 1
    assert _queued() == 2
    run = ScheduledTaskRun.objects.get(name="tests.sample_task")
    assert run.last_slot == datetime.datetime(2026, 11, 27, 2, tzinfo=datetime.UTC)
    assert run.last_result_id == caught_up[0].result_id


def test_two_schedulers_running_at_once_enqueue_each_slot_once() -> None:
    clock = FakeClock(NIGHT)
    one = Scheduler(registry=_daily_at_two(), clock=clock)
    two = Scheduler(registry=_daily_at_two(), clock=clock)

    results = [one.tick(), two.tick(), two.tick(), one.tick()]

    assert sum(len(result) for result in results) == 1
    assert _queued() == 1


def test_the_sleep_lasts_until_the_next_slot_or_a_minute() -> None:
    clock = FakeClock(datetime.datetime(2026, 11, 25, 1, 59, 30, tzinfo=datetime.UTC))

    assert Scheduler(registry=_daily_at_two(), clock=clock).seconds_to_next_slot() == 30.0
    clock.now = NIGHT
    assert Scheduler(registry=_daily_at_two(), clock=clock).seconds_to_next_slot() == 60.0


@pytest.mark.parametrize(
    ("every", "at", "message"),
    [
        (datetime.timedelta(seconds=10), datetime.time(0, 0), "once a minute"),
        (DAY, datetime.time(2, 0, tzinfo=datetime.UTC), "without a time zone"),
    ],
)
def test_a_meaningless_schedule_is_refused(
    every: datetime.timedelta, at: datetime.time, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        schedule(sample_task, every=every, at=at, registry=Registry())


def test_one_name_cannot_be_taken_by_two_schedules() -> None:
    registry = _daily_at_two()

    with pytest.raises(ValueError, match="already named"):
        schedule(sample_task, every=HOUR, name="tests.sample_task", registry=registry)


def test_the_apps_register_pledge_expiry_daily_and_the_counter_clean_up_hourly() -> None:
    tasks = discover().tasks

    assert tasks[run_pledge_expiry.module_path].every == DAY
    assert tasks[delete_expired_rate_limit_counters.module_path].every == HOUR


@pytest.mark.django_db(transaction=True)
def test_the_command_enqueues_pledge_expiry_and_the_worker_posts_due_expiries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: a pledge that expires in 3 days, and a clock 4 days ahead
    confirmed_pledge(expires_in_days=3)
    later = timezone.now() + 4 * DAY
    monkeypatch.setattr(timezone, "now", lambda: later)
    out = StringIO()

    # when: the scheduler runs once (as after a restart), then the worker
    call_command("scheduler", "--once", stdout=out)
    call_command("scheduler", "--once", stdout=out)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")

    # then: pledge expiry ran once and posted the expiry
    assert f"Enqueued {len(discover().tasks)} periodic task(s)." in out.getvalue()
    assert "Enqueued 0 periodic task(s)." in out.getvalue()
    assert DBTaskResult.objects.filter(task_path=run_pledge_expiry.module_path).count() == 1
    assert LedgerTransaction.objects.filter(kind="expire").count() == 1


def test_the_list_shows_every_periodic_task() -> None:
    out = StringIO()

    call_command("scheduler", "--list", stdout=out)

    assert run_pledge_expiry.module_path in out.getvalue()
    assert "last never" in out.getvalue()


@pytest.mark.django_db(transaction=True)  # the loop closes stale connections, as a worker does
def test_the_loop_ticks_until_it_is_told_to_stop() -> None:
    # given: a clock that asks the loop to stop as soon as it has been read once
    stop = threading.Event()

    def clock() -> datetime.datetime:
        stop.set()
        return NIGHT

    # when
    Scheduler(registry=_daily_at_two(), clock=clock).run(stop=stop)

    # then: one tick happened
    assert _queued() == 1


def test_the_list_says_how_often_in_words() -> None:
    registry = _daily_at_two()
    schedule(
        sample_task, every=15 * datetime.timedelta(minutes=1), name="quarter", registry=registry
    )

    rows = {row["name"]: row for row in describe(registry=registry, now=NIGHT)}

    assert (rows["tests.sample_task"]["every"], rows["tests.sample_task"]["at"]) == (
        "1 day",
        "02:00",
    )
    assert rows["quarter"]["every"] == "15 minutes"

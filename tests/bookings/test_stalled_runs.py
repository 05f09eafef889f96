"""A run queued while no worker runs is noticed: after two minutes its page says no worker
has picked it up, names `safepassage db_worker` and offers to cancel it; a run that stopped
making progress is failed by the scheduled check, for every organisation. Times are given
as explicit `now` values, never waited for."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.bookings import actions, selectors, tasks
from safepassage.bookings.errors import RunNotQueued
from safepassage.bookings.models import AllocationRun, RunStatus
from safepassage.site.scheduler import discover
from tests.bookings.factories import (
    Network,
    committed,
    cover_budget,
    make_network,
    planned_case,
    pledge_of,
    travel_request,
)
from tests.cases.factories import sign_in_with_keys
from tests.factories import make_staff, sign_in

pytestmark = pytest.mark.django_db


def _queued_run(network: Network) -> AllocationRun:
    travel_request(planned_case(network), program=network.program, travellers=1)
    pledge_of(network)
    cover_budget(network.organisation, budget=Decimal(100))
    with committed():
        return actions.do_start_run(
            actor=network.coordinator.user,
            organisation=network.organisation,
            cash_budget=Decimal(100),
            currency="USD",
            time_limit_seconds=5,
        )


def _queued_for(run: AllocationRun, age: timedelta) -> None:
    AllocationRun.objects.filter(pk=run.pk).update(queued_since=timezone.now() - age)
    run.refresh_from_db()


def test_a_queued_run_waits_for_the_worker_only_after_two_minutes() -> None:
    network = make_network()
    run = _queued_run(network)
    assert run.queued_since is not None
    start = run.queued_since
    assert not selectors.run_waits_for_worker(run=run, now=start + timedelta(minutes=1))
    assert selectors.run_waits_for_worker(run=run, now=start + timedelta(minutes=3))
    # a worker taking it clears the clock
    taken = actions.do_solve_run(run_id=run.public_id)
    assert taken.queued_since is None
    assert not selectors.run_waits_for_worker(run=taken, now=start + timedelta(hours=1))


def test_the_run_page_says_no_worker_took_it_and_offers_to_cancel() -> None:
    # given a run queued three minutes ago and no worker
    network = make_network()
    run = _queued_run(network)
    client = sign_in_with_keys(Client(), network.coordinator)
    url = reverse("bookings:run", kwargs={"run_id": run.public_id})
    assert b"run-waiting" not in client.get(url).content  # just queued: no notice yet
    _queued_for(run, timedelta(minutes=3))
    # when the coordinator opens its page
    page = client.get(url).content.decode()
    # then it names the worker command, offers to cancel, and refreshes slowly
    assert "No worker has picked this run up yet" in page
    assert "safepassage db_worker" in page
    assert reverse("bookings:run_cancel", kwargs={"run_id": run.public_id}) in page
    assert 'content="30"' in page
    runs = client.get(
        reverse("bookings:runs", kwargs={"organisation_id": network.organisation.public_id})
    )
    assert b"no worker has picked it up" in runs.content
    # and in Russian too
    client.post(reverse("site:set_language"), {"language": "ru", "next": "/"})
    assert "обработчик" in client.get(url).content.decode()


def test_cancelling_a_waiting_run_is_audited_and_a_late_worker_does_nothing() -> None:
    network = make_network()
    run = _queued_run(network)
    _queued_for(run, timedelta(minutes=3))
    client = sign_in_with_keys(Client(), network.coordinator)
    # when the coordinator cancels it
    response = client.post(reverse("bookings:run_cancel", kwargs={"run_id": run.public_id}))
    # then it is cancelled, audited, and says so
    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.queued_since) == (RunStatus.CANCELLED, None)
    assert AuditEvent.objects.filter(
        action="allocation.run_cancelled", object_ref=str(run.public_id)
    ).exists()
    page = client.get(reverse("bookings:run", kwargs={"run_id": run.public_id}))
    assert b"run-cancelled" in page.content
    assert b'http-equiv="refresh"' not in page.content
    # when a worker reaches the task later, the run stays cancelled
    assert actions.do_solve_run(run_id=run.public_id).status == RunStatus.CANCELLED


def test_a_run_already_taken_cannot_be_cancelled_and_nothing_is_written() -> None:
    network = make_network()
    run = _queued_run(network)
    actions.do_solve_run(run_id=run.public_id)
    run.refresh_from_db()
    events = AuditEvent.objects.count()
    with pytest.raises(RunNotQueued):
        actions.do_cancel_run(actor=network.coordinator.user, run=run)
    client = sign_in_with_keys(Client(), network.coordinator)
    page = client.post(reverse("bookings:run_cancel", kwargs={"run_id": run.public_id}))
    assert b"run-cancel-error" in page.content
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.FUNDRAISER, Role.VIEWER])
def test_the_wrong_role_cannot_cancel_and_nothing_is_written(role: Role) -> None:
    network = make_network()
    run = _queued_run(network)
    events = AuditEvent.objects.count()
    client = sign_in(Client(), make_staff(role, network.organisation))
    response = client.post(reverse("bookings:run_cancel", kwargs={"run_id": run.public_id}))
    assert response.status_code == 403
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED
    assert AuditEvent.objects.count() == events


def test_the_scheduled_check_fails_stalled_runs_of_every_organisation() -> None:
    # given two organisations, each with a run running with no progress for an hour, and
    # one run within its time limit
    first, second = make_network(), make_network()
    stalled = [_queued_run(first), _queued_run(second)]
    fresh = _queued_run(first)
    now = timezone.now()
    AllocationRun.objects.filter(pk__in=[r.pk for r in stalled]).update(
        status=RunStatus.RUNNING, running_since=now - timedelta(hours=1), queued_since=None
    )
    AllocationRun.objects.filter(pk=fresh.pk).update(
        status=RunStatus.RUNNING, running_since=now, queued_since=None
    )
    # when the check runs (as the scheduler's task, and again: idempotent)
    assert actions.do_fail_stale_runs(organisation=None, now=now) == 2
    assert tasks.fail_stalled_runs.call() == 0
    # then both stalled runs are failed (worker lost), audited; the fresh one still runs
    for run in stalled:
        run.refresh_from_db()
        assert (run.status, run.error_code) == (RunStatus.FAILED, actions.WORKER_LOST)
    fresh.refresh_from_db()
    assert fresh.status == RunStatus.RUNNING
    assert AuditEvent.objects.filter(action="allocation.run_failed").count() == 2
    # and an hour later the fresh one would be failed too
    assert actions.do_fail_stale_runs(organisation=None, now=now + timedelta(hours=1)) == 1


def test_the_check_is_scheduled_every_five_minutes() -> None:
    registry = discover()
    periodic = [p for p in registry.tasks.values() if p.task == tasks.fail_stalled_runs]
    assert [p.every for p in periodic] == [timedelta(minutes=5)]

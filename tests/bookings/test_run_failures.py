"""A run never stays "running" forever: any exception while solving fails it with a
translated, non-revealing message, and a run whose worker died shows as failed and lets a
new run start."""

import logging
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.bookings import actions, selectors
from safepassage.bookings.models import AllocationRun, RunStatus
from safepassage.cases.models import Case
from safepassage.core import allocation as core
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

pytestmark = pytest.mark.django_db


def _queued_run(network: Network) -> AllocationRun:
    cover_budget(network.organisation, budget=Decimal(100))
    with committed():
        return actions.do_start_run(
            actor=network.coordinator.user,
            organisation=network.organisation,
            cash_budget=Decimal(100),
            currency="USD",
            time_limit_seconds=5,
        )


def _network_with_request() -> tuple[Network, Case]:
    network = make_network()
    case = planned_case(network)
    travel_request(case, program=network.program, travellers=1)
    pledge_of(network)
    return network, case


def test_any_exception_while_solving_fails_the_run_without_revealing_it(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # given a queued run and a solver that breaks with a message naming a case
    network, case = _network_with_request()
    run = _queued_run(network)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"boom {case.code}")

    monkeypatch.setattr(core, "solve", broken)
    # when the worker's action runs it
    with caplog.at_level(logging.INFO):
        solved = actions.do_solve_run(run_id=run.public_id)
    # then the run is failed with a code, the log names no case, the page says so in words
    assert (solved.status, solved.error_code) == (RunStatus.FAILED, actions.INTERNAL_ERROR)
    assert solved.running_since is None  # an exact time is kept only while running
    assert case.code not in caplog.text
    assert "RuntimeError" in caplog.text
    client = sign_in_with_keys(Client(), network.coordinator)
    page = client.get(reverse("bookings:run", kwargs={"run_id": run.public_id}))
    assert b'http-equiv="refresh"' not in page.content
    assert b"internal error" in page.content
    assert b"boom" not in page.content
    client.post(reverse("site:set_language"), {"language": "ru", "next": "/"})
    russian = client.get(reverse("bookings:run", kwargs={"run_id": run.public_id}))
    assert "внутренней ошибки" in russian.content.decode()


def test_a_run_whose_worker_died_shows_failed_and_a_new_run_can_start() -> None:
    # given a run that started running long past its time limit and never finished
    network, _case = _network_with_request()
    run = _queued_run(network)
    long_ago = timezone.now() - timedelta(seconds=run.time_limit_seconds) - timedelta(hours=1)
    AllocationRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, running_since=long_ago)
    run.refresh_from_db()
    assert selectors.run_is_stale(run=run, now=timezone.now())
    # then its page shows it stopped, without refreshing
    client = sign_in_with_keys(Client(), network.coordinator)
    page = client.get(reverse("bookings:run", kwargs={"run_id": run.public_id}))
    assert b'http-equiv="refresh"' not in page.content
    assert b"worker ended before it finished" in page.content
    runs_url = reverse("bookings:runs", kwargs={"organisation_id": network.organisation.public_id})
    assert b"Failed (the worker stopped)" in client.get(runs_url).content
    # when a new run is started, the stale one is marked failed and the new one queued
    fresh = _queued_run(network)
    run.refresh_from_db()
    assert (run.status, run.error_code) == (RunStatus.FAILED, actions.WORKER_LOST)
    assert run.running_since is None
    assert fresh.status == RunStatus.QUEUED
    assert actions.do_solve_run(run_id=fresh.public_id).status == RunStatus.DONE


def test_a_run_within_its_time_limit_is_not_stale() -> None:
    network, _case = _network_with_request()
    run = _queued_run(network)
    AllocationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, running_since=timezone.now()
    )
    run.refresh_from_db()
    assert not selectors.run_is_stale(run=run, now=timezone.now())
    _queued_run(network)
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING


def test_a_late_worker_writes_nothing_over_a_run_marked_stale(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a run that is marked failed (worker lost) while its solve is still going
    network, _case = _network_with_request()
    run = _queued_run(network)
    real_solve = core.solve

    def slow_solve(*args: object, **kwargs: object) -> core.Plan:
        AllocationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error_code=actions.WORKER_LOST
        )
        return real_solve(*args, **kwargs)  # type: ignore[arg-type]  # passed through as given

    monkeypatch.setattr(core, "solve", slow_solve)
    # when the solve finishes
    solved = actions.do_solve_run(run_id=run.public_id)
    # then the run stays failed, without a plan
    assert (solved.status, solved.error_code, solved.plan) == (
        RunStatus.FAILED,
        actions.WORKER_LOST,
        None,
    )

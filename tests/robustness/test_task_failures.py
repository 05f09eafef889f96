"""Failure: a background task that dies midway leaves nothing half-written, and the work
can be done again. The real django-tasks-db worker runs the tasks, with real commits
(``transaction=True``), as in production."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django import Settings

from safepassage.bookings import actions, tasks
from safepassage.bookings.errors import RunNotFinished
from safepassage.bookings.models import AllocationRun, BookingRequest, RunStatus, Trip
from safepassage.core import allocation as core
from safepassage.donations.models import Gift
from safepassage.donations.pledges.actions import do_send_expiry_reminders
from safepassage.donations.pledges.selectors import get_balance
from safepassage.ledger.models import LedgerTransaction
from safepassage.ledger.selectors import verify_ledger
from tests.bookings.factories import (
    Network,
    accept_all,
    cover_budget,
    make_network,
    planned_case,
    pledge_of,
    run_worker,
    travel_request,
)
from tests.donations.gift_factories import deliver, gift_event, make_campaign
from tests.donations.pledges.factories import DONOR_EMAIL, confirmed_pledge

pytestmark = pytest.mark.django_db(transaction=True)


class WorkerKilled(BaseException):
    """What the solver meets when its process is killed: nothing in the action catches it."""


def _start_run(network: Network) -> AllocationRun:
    cover_budget(network.organisation, budget=Decimal(1000))
    return actions.do_start_run(
        actor=network.coordinator.user,
        organisation=network.organisation,
        cash_budget=Decimal(1000),
        currency="USD",
        time_limit_seconds=5,
    )


def _nothing_reserved(network: Network) -> None:
    assert not Trip.objects.filter(organisation=network.organisation).exists()
    assert not BookingRequest.objects.exists()
    assert verify_ledger().lines == []


def _a_new_run_solves_and_reserves_once(network: Network, pledge_miles: int) -> None:
    """The coordinator starts again: the worker takes only the new run's task."""
    retry = _start_run(network)
    run_worker()
    retry.refresh_from_db()
    assert retry.status == RunStatus.DONE
    assert len(accept_all(network, retry).accepted) == 1
    pledge = BookingRequest.objects.get().pledge
    assert pledge is not None
    balance = get_balance(pledge=pledge)
    assert (balance.reserved.amount, balance.available.amount) == (20_000, pledge_miles - 20_000)
    assert verify_ledger().lines == []


def test_a_run_whose_task_fails_while_storing_its_plan_keeps_no_half_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a queued run, and a failure after the plan is written but before its audit event
    network = make_network()
    travel_request(planned_case(network), program=network.program, travellers=1)
    pledge_of(network, miles=50_000)
    run = _start_run(network)
    audit = actions._audit

    def failing_audit(**kwargs: object) -> None:
        if kwargs.get("action") == "allocation.run_finished":
            raise RuntimeError("disk full")
        audit(**kwargs)  # type: ignore[arg-type]  # the same keyword arguments

    monkeypatch.setattr(actions, "_audit", failing_audit)
    # when the worker runs it
    run_worker()
    # then the run failed whole: no plan stored, nothing to accept, nothing reserved
    run.refresh_from_db()
    assert (run.status, run.error_code, run.plan, run.running_since) == (
        RunStatus.FAILED,
        actions.INTERNAL_ERROR,
        None,
        None,
    )
    with pytest.raises(RunNotFinished):
        accept_all(network, run)
    _nothing_reserved(network)
    # and once the fault is gone a new run does the work, the failed one is not re-run
    monkeypatch.setattr(actions, "_audit", audit)
    _a_new_run_solves_and_reserves_once(network, 50_000)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED


def test_a_worker_killed_mid_solve_leaves_a_run_that_is_failed_later_and_started_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a queued run, and a worker process killed while the solver works
    network = make_network()
    travel_request(planned_case(network), program=network.program, travellers=1)
    pledge_of(network, miles=30_000)
    run = _start_run(network)
    solve = core.solve

    def killed(*args: object, **kwargs: object) -> core.Plan:
        raise WorkerKilled

    monkeypatch.setattr(core, "solve", killed)
    run_worker()
    monkeypatch.setattr(core, "solve", solve)
    # then the run is left "running" with no plan: nothing was reserved
    run.refresh_from_db()
    assert (run.status, run.plan) == (RunStatus.RUNNING, None)
    _nothing_reserved(network)
    # when the scheduled check runs long after the run's time limit
    AllocationRun.objects.filter(pk=run.pk).update(
        running_since=timezone.now() - timedelta(hours=1)
    )
    tasks.fail_stalled_runs.enqueue()
    run_worker()
    # then the run shows failed (its worker was lost) and a new run does the work once
    run.refresh_from_db()
    assert (run.status, run.error_code) == (RunStatus.FAILED, actions.WORKER_LOST)
    _a_new_run_solves_and_reserves_once(network, 30_000)
    assert not DBTaskResult.objects.filter(status="READY").exists()


class RefusingMailServer(BaseEmailBackend):
    """A mail server that is down: every send raises."""

    def send_messages(self, email_messages: object) -> int:
        raise ConnectionRefusedError("mail server down")


def test_a_receipt_lost_to_a_mail_outage_is_sent_once_later_and_the_gift_counted_once(
    settings: Settings,
) -> None:
    # given a provider gift arriving (twice: the provider retries) while mail is down
    working = settings.MAILERS
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingMailServer"}}
    campaign = make_campaign()
    event = gift_event(
        id="evt_outage", campaign=str(campaign.public_id), donor={"email": "a@example.org"}
    )
    assert deliver(Client(), event).status_code == 200
    run_worker()
    assert deliver(Client(), event).status_code == 200
    run_worker()
    # then the gift and its money are stored once, and its receipt task failed
    assert Gift.objects.count() == 1
    assert LedgerTransaction.objects.filter(kind="gift").count() == 1
    assert DBTaskResult.objects.filter(status="FAILED").count() == 1
    assert len(mail.outbox) == 0
    # when mail works again and the operator queues the pending receipts (twice)
    settings.MAILERS = working
    call_command("send_pending_gift_receipts")
    call_command("send_pending_gift_receipts")
    run_worker()
    # then the receipt is sent once, and nothing was counted again
    assert [message.to for message in mail.outbox] == [["a@example.org"]]
    assert Gift.objects.count() == 1
    assert LedgerTransaction.objects.filter(kind="gift").count() == 1
    assert verify_ledger().lines == []


def test_an_expiry_reminder_lost_to_a_mail_outage_is_sent_by_the_next_daily_run(
    settings: Settings,
) -> None:
    # given a pledge expiring in ten days, its reminder queued while mail is down
    pledge = confirmed_pledge(miles=40_000, expires_in_days=10)
    working = settings.MAILERS
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingMailServer"}}
    mail.outbox.clear()
    today = timezone.localdate()
    assert do_send_expiry_reminders(today=today) == 1
    run_worker()
    assert mail.outbox == []
    # when mail works again and the next daily upkeep runs (twice)
    settings.MAILERS = working
    queued = [do_send_expiry_reminders(today=today), do_send_expiry_reminders(today=today)]
    run_worker()
    # then the reminder is queued again once and the donor gets it once
    assert queued == [1, 0]
    assert [message.to for message in mail.outbox] == [[DONOR_EMAIL]]
    pledge.refresh_from_db()
    assert pledge.reminded_for_expiry_on == pledge.expires_on

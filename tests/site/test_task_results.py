"""SR-01, SR-31: a failed background task keeps which task, which exception class, when and
where, but not the exception's message, in its stored result and in the worker's log
(``safepassage.site.task_results``, decision 0048)."""

import importlib
import logging
import smtplib
import uuid

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from safepassage.site.task_results import ScrubTaskExceptions, scrubbed_traceback

MARKER = f"canary-{uuid.uuid4().hex}"
ADDRESS = f"{MARKER}@example.org"


def _refuse(address: str) -> None:
    raise smtplib.SMTPRecipientsRefused({address: (550, f"5.1.1 <{address}>: unknown".encode())})


def _validate(name: str) -> None:
    try:
        {"someone else": 1}[name]
    except KeyError as missing:
        raise ValueError(f"no donor called {name}") from missing


@task()
def send_to_refused_address(address: str) -> None:
    """A task that fails as a mail server refusing a donor's address makes it fail."""
    _refuse(address)


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")


def _raised(function: object, argument: str) -> BaseException:
    try:
        function(argument)  # type: ignore[operator]  # the helpers above, called to raise
    except Exception as error:  # the exception is what the test looks at
        return error
    raise AssertionError("expected an exception")


def test_the_scrubbed_traceback_keeps_frames_and_classes_but_no_message() -> None:
    error = _raised(_validate, MARKER)
    error.add_note(f"note naming {MARKER}")

    text = scrubbed_traceback(error)

    assert MARKER not in text
    assert text.count("Traceback (most recent call last):") == 2
    assert "The above exception was the direct cause of the following exception:" in text
    assert text.index("builtins.KeyError") < text.index("builtins.ValueError")
    assert "in _validate" in text
    assert __file__ in text
    assert text.rstrip().endswith("builtins.ValueError")


def test_an_exception_raised_while_handling_another_shows_both_without_messages() -> None:
    try:
        try:
            _refuse(ADDRESS)
        except smtplib.SMTPRecipientsRefused:
            raise RuntimeError(f"could not tell {ADDRESS}")  # noqa: B904  # the context on purpose
    except RuntimeError as error:
        text = scrubbed_traceback(error)

    assert MARKER not in text
    assert "During handling of the above exception, another exception occurred:" in text
    assert "smtplib.SMTPRecipientsRefused" in text
    assert "builtins.RuntimeError" in text


def test_an_exception_group_lists_its_exceptions_by_class_only() -> None:
    group = BaseExceptionGroup(
        f"two failures for {MARKER}", [_raised(_refuse, ADDRESS), KeyError(MARKER)]
    )

    text = scrubbed_traceback(group)

    assert MARKER not in text
    assert "ExceptionGroup" in text
    assert "smtplib.SMTPRecipientsRefused" in text
    assert "builtins.KeyError" in text


@pytest.mark.django_db(transaction=True)  # the worker closes its database connection
def test_a_failed_task_stores_its_class_and_frames_but_not_the_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given a task that fails with a mail server's refusal naming a donor's address
    result = send_to_refused_address.enqueue(ADDRESS)

    # When the real worker runs it
    _run_worker()

    # Then the stored result says which task, which exception, when and where ...
    stored = DBTaskResult.objects.get(pk=result.id)
    assert stored.status == TaskResultStatus.FAILED
    assert stored.task_path == "tests.site.test_task_results.send_to_refused_address"
    assert stored.exception_class_path == "smtplib.SMTPRecipientsRefused"
    assert stored.finished_at is not None
    assert "in send_to_refused_address" in stored.traceback
    assert "in _refuse" in stored.traceback
    assert stored.traceback.rstrip().endswith("smtplib.SMTPRecipientsRefused")
    # ... and the address is only in the task's own arguments, not in what the failure
    # added (real tasks take ids only, SR-05); nor in what the worker logged
    failure_columns = [stored.traceback, stored.exception_class_path, str(stored.return_value)]
    assert not any(MARKER in value for value in failure_columns)
    # (the console handler's filter runs first and scrubs the record every handler gets)
    assert "smtplib.SMTPRecipientsRefused" in caplog.text
    assert MARKER not in caplog.text


def test_the_log_filter_drops_the_message_of_a_task_exception() -> None:
    error = _raised(_refuse, ADDRESS)
    record = logging.LogRecord(
        "django.tasks", logging.ERROR, __file__, 1, "Task id=%s failed", ("1",), None
    )
    record.exc_info = (type(error), error, error.__traceback__)

    assert ScrubTaskExceptions().filter(record)
    text = logging.Formatter().format(record)

    assert MARKER not in text
    assert "smtplib.SMTPRecipientsRefused" in text
    assert "in _refuse" in text
    assert "scrub_tasks" in str(settings.LOGGING["handlers"])


def test_the_log_filter_leaves_other_loggers_alone() -> None:
    error = _raised(_refuse, ADDRESS)
    record = logging.LogRecord("safepassage", logging.ERROR, __file__, 1, "x", (), None)
    record.exc_info = (type(error), error, error.__traceback__)

    ScrubTaskExceptions().filter(record)

    assert record.exc_info is not None


@pytest.mark.django_db
def test_the_upgrade_drops_tracebacks_stored_before_with_their_messages() -> None:
    # Given a failure stored the old way (the message at the end) and a task not run yet
    failed = send_to_refused_address.enqueue(ADDRESS)
    waiting = send_to_refused_address.enqueue(ADDRESS)
    DBTaskResult.objects.filter(pk=failed.id).update(
        status=TaskResultStatus.FAILED,
        exception_class_path="smtplib.SMTPRecipientsRefused",
        traceback=f"Traceback (most recent call last):\n  ...\nSMTPRecipientsRefused: {ADDRESS}\n",
    )

    # When the upgrade's migration runs
    migration = importlib.import_module(
        "safepassage.site.migrations.0004_tracebacks_stored_before_scrubbing"
    )
    migration.drop_old_tracebacks(apps, None)

    # Then the class stays, the message is gone, the waiting task is untouched
    stored = DBTaskResult.objects.get(pk=failed.id)
    assert MARKER not in stored.traceback
    assert stored.traceback.startswith("(traceback removed on upgrade")
    assert stored.traceback.rstrip().endswith("smtplib.SMTPRecipientsRefused")
    assert DBTaskResult.objects.get(pk=waiting.id).traceback == ""

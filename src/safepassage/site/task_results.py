"""Failed background tasks keep where and what failed, never the exception's message (SR-01,
SR-31; decision 0048).

django-tasks-db stores a failed task's exception class and its traceback, and the traceback
ends with the exception's message: a mail server refusing an address names it, a
validation error can quote a name. Nothing an operator needs is in the message: the task
(``task_path``), when (``finished_at``), the exception's class (``exception_class_path``)
and where it was raised (the frames) are enough to find the cause in the code and to
re-run the task, and the task's arguments are ids only (SR-05).

:func:`scrubbed_traceback` formats an exception as Python does (every frame: file, line,
function and that line of code; the chain of causes and contexts; the exceptions of an
exception group) but ends each exception with its class only: no message, no notes.
:func:`install_scrubbed_task_tracebacks` makes it what django-tasks-db writes for every
failed task, by replacing the one formatter its ``DBTaskResult.set_failed`` calls
(``SiteConfig.ready``); the worker's log line of a failed task goes through
:class:`ScrubTaskExceptions` in ``LOGGING``.
``tests/site/test_task_results.py`` runs a failing task through the real worker.
"""

import logging
import traceback
from types import TracebackType

_CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
_CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"
_MAX_CHAIN = 20
"""How many chained exceptions are shown: a cycle or a very long chain stops here."""

TASK_LOGGERS = ("django.tasks", "django_tasks_db")


def exception_class_name(exc: BaseException) -> str:
    """``module.QualifiedName`` of the exception's class, as django-tasks-db records it."""
    return f"{type(exc).__module__}.{type(exc).__qualname__}"


def _frames(tb: TracebackType | None) -> str:
    if tb is None:
        return ""
    return "Traceback (most recent call last):\n" + "".join(
        traceback.format_list(traceback.extract_tb(tb))
    )


def _one(exc: BaseException, *, depth: int) -> str:
    text = _frames(exc.__traceback__) + exception_class_name(exc) + "\n"
    if isinstance(exc, BaseExceptionGroup) and depth < 3:
        for number, inner in enumerate(exc.exceptions, start=1):
            inner_text = scrubbed_traceback(inner, _depth=depth + 1)
            text += f"+-- exception {number} of the group:\n" + "".join(
                "|   " + line for line in inner_text.splitlines(keepends=True)
            )
    return text


def scrubbed_traceback(exc: BaseException, *, _depth: int = 0) -> str:
    """The traceback of ``exc`` and of the exceptions chained to it, oldest first, each
    ending with its class: the frames and classes, never a message or a note."""
    chain: list[tuple[BaseException, str]] = []
    current: BaseException | None = exc
    link = ""
    seen: set[int] = set()
    while current is not None and id(current) not in seen and len(chain) < _MAX_CHAIN:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, _CAUSE
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, _CONTEXT
        else:
            current = None
    parts: list[str] = []
    for exception, link in reversed(chain):
        parts.append(_one(exception, depth=_depth))
        if link:
            parts.append(link)
    return "".join(parts)


def scrubbed_format_exception(exc: BaseException, /, *args: object, **kwargs: object) -> list[str]:
    """Stands in for :func:`traceback.format_exception` where django-tasks-db calls it."""
    return [scrubbed_traceback(exc)]


def install_scrubbed_task_tracebacks() -> None:
    """Make django-tasks-db store scrubbed tracebacks (called once, from ``SiteConfig.ready``).

    ``DBTaskResult.set_failed`` writes ``"".join(format_exception(exc))`` with the
    ``format_exception`` its module imported; that name is the one thing replaced.
    """
    from django_tasks_db import models

    # The module's own import of traceback.format_exception (not re-exported, and typed as
    # its overloads); ours takes the one form set_failed uses, the exception alone.
    models.format_exception = scrubbed_format_exception  # type: ignore[attr-defined,assignment]


class ScrubTaskExceptions(logging.Filter):
    """The worker logs a failed task with its exception: log the scrubbed traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith(TASK_LOGGERS) and record.exc_info:
            exc = record.exc_info[1]
            if exc is not None:
                record.exc_text = scrubbed_traceback(exc).rstrip("\n")
            record.exc_info = None
        return True

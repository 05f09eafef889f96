"""Logging filter that keeps paths, query strings and bodies out of the logs (SR-31).

Paths can hold signed tokens and identifiers, so request log lines keep only the
method and the status code.
"""

import logging

REQUEST_LOGGERS = frozenset({"django.server", "django.request", "django.security.csrf"})


class RedactRequestDetails(logging.Filter):
    """Rewrite request log records to method and status code only."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name in REQUEST_LOGGERS or record.name.startswith("django.security"):
            status = getattr(record, "status_code", "-")
            request = getattr(record, "request", None)
            method = getattr(request, "method", None) or "-"
            record.msg = "%s request answered %s"
            record.args = (method, status)
            record.exc_info = None
            record.exc_text = None
        return True

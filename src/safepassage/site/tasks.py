"""Background work of the site app (run by the django-tasks-db worker)."""

from django.tasks import task

from safepassage.site import rate_limits


@task()
def delete_expired_rate_limit_counters() -> int:
    """Delete rate-limit counters whose window has passed (each request also does)."""
    return rate_limits.delete_expired()

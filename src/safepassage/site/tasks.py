"""Background work of the site app (run by the django-tasks-db worker)."""

from django.tasks import task

from safepassage.site import rate_limits, sessions


@task()
def delete_expired_rate_limit_counters() -> int:
    """Delete rate-limit counters whose window has passed (each request also does)."""
    return rate_limits.delete_expired()


@task()
def delete_expired_sessions() -> None:
    """Delete stored sessions past their expiry (Django's ``clearsessions``): an expired row
    never opens, but it still tells which user was signed in until when (decision 0048)."""
    sessions.SessionStore.clear_expired()

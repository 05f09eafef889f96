"""Tables of the site app: short-lived rate-limit counters (see ``rate_limits``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RateLimitCounter(models.Model):
    """Requests one client made in one window of one scope.

    ``client_digest`` is an HMAC of the client address under a key that changes every day
    and is never stored (SR-16); the clear address is never stored. Rows are deleted once
    their window has passed, so the table only ever holds the last few minutes.
    """

    scope = models.CharField(max_length=40)
    client_digest = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("rate-limit counter")
        verbose_name_plural = _("rate-limit counters")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "client_digest", "window_start"],
                name="site_rate_limit_counter_unique_window",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.window_start:%Y-%m-%d %H:%M}"


class ScheduledTaskRun(models.Model):
    """The last time slot the scheduler enqueued a periodic task for (see ``scheduler``).

    One row per registered task name. Claiming a slot is one conditional UPDATE
    (``last_slot < slot``), so a restarted scheduler, or two running at once, enqueue
    each slot once.
    """

    name = models.CharField(max_length=200, unique=True)
    last_slot = models.DateTimeField(null=True, blank=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
    last_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("scheduled task run")
        verbose_name_plural = _("scheduled task runs")

    def __str__(self) -> str:
        return self.name

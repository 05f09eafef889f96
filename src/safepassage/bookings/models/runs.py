"""Allocation runs: a snapshot of the network's pledges and open travel requests, the
allocator's progress while it works in the background, and the plan it proposes.

Nothing here names a person: requests are travel-request (or booking-request) public ids
with the case code and party size; pledges are pledge public ids with their program.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import User
from safepassage.organisations.models import Organisation


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Plan ready")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class AllocationRun(models.Model):
    """One run of the allocator over a coordinator's network."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="allocation_runs"
    )
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField()
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    time_limit_seconds = models.PositiveSmallIntegerField(default=20)
    currency = models.CharField(max_length=3, default="USD")
    cash_budget = models.DecimalField(max_digits=14, decimal_places=2)
    problem = models.JSONField(help_text="The allocator's problem document (ids only).")
    pledge_snapshot = models.JSONField(
        default=dict, help_text="Per pledge: the version the run saw, to detect changes."
    )
    request_snapshot = models.JSONField(
        default=dict, help_text="Per request: case, trip and kind (no personal data)."
    )
    phase = models.CharField(max_length=32, blank=True)
    incumbent = models.FloatField(null=True, blank=True)
    bound = models.FloatField(null=True, blank=True)
    gap = models.FloatField(null=True, blank=True)
    plan = models.JSONField(null=True, blank=True)
    travellers_served = models.PositiveIntegerField(
        null=True, blank=True, help_text="The plan's travellers, for the runs list."
    )
    error_code = models.CharField(max_length=64, blank=True)
    running_since = models.DateTimeField(
        null=True, blank=True, help_text="When the worker took the run, to tell a dead worker."
    )
    queued_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the run was queued, to tell that no worker is taking it.",
    )

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("allocation run")
        verbose_name_plural = _("allocation runs")
        permissions = [
            ("run_allocation", _("Can run the allocator and accept its plans")),
        ]

    def __str__(self) -> str:
        return f"allocation run {self.public_id}"

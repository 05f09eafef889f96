"""Append-only, hash-chained audit events (the Django side of core.audit_chain).

Events hold references (public ids, action names), never personal values.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One audited action. Rows are only ever inserted (see actions.record_audit_event)."""

    position = models.BigIntegerField(unique=True, editable=False)
    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    occurred_at = models.DateTimeField(editable=False)
    actor = models.CharField(max_length=64, editable=False)
    action = models.CharField(max_length=100, editable=False)
    object_type = models.CharField(max_length=100, editable=False)
    object_ref = models.CharField(max_length=64, editable=False)
    outcome = models.CharField(max_length=32, editable=False)
    organisation = models.CharField(max_length=64, editable=False, blank=True)
    previous_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, editable=False, unique=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.position} {self.action}"


class AuditHead(models.Model):
    """The chain's last position and hash; one row, locked to append."""

    position = models.BigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"head at {self.position}"

"""Fundraising events: an evening raising money and miles, with its programme."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.donations.models import Campaign
from safepassage.organisations.models import Organisation


class Event(models.Model):
    """One fundraising event. Pledges and gifts count through ``campaign`` (optional)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    organiser = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="organised_events",
        verbose_name=_("organiser"),
    )
    beneficiaries = models.ManyToManyField(
        Organisation, related_name="benefiting_events", blank=True, verbose_name=_("beneficiaries")
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("campaign"),
        help_text=_("Pledges and gifts to this campaign count in the tally."),
    )
    venue = models.CharField(_("venue"), max_length=300)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    description = models.TextField(_("description"), blank=True)
    remote_session = models.TextField(
        _("remote session"),
        blank=True,
        help_text=_("How people join remotely; shown publicly, so no private links."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ProgrammeKind(models.TextChoices):
    TALK = "talk", _("Talk")
    PANEL = "panel", _("Panel")
    PERFORMANCE = "performance", _("Performance")
    REMOTE_SESSION = "remote_session", _("Remote session")


class ProgrammeItem(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="programme")
    starts_at = models.DateTimeField(_("time"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=ProgrammeKind.choices)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("programme item")
        verbose_name_plural = _("programme items")

    def __str__(self) -> str:
        return self.title

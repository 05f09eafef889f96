"""Campaigns: an organisation (or several beneficiaries together) raising money and miles."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.organisations.models import Organisation


class Campaign(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    story = models.TextField(_("story"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("run by"),
    )
    beneficiaries = models.ManyToManyField(
        Organisation,
        related_name="benefiting_campaigns",
        blank=True,
        verbose_name=_("beneficiaries"),
    )
    goal_money = models.DecimalField(
        _("money goal"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    goal_currency = models.CharField(_("currency"), max_length=3, default="USD")
    goal_miles = models.PositiveBigIntegerField(_("miles goal"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(goal_money__isnull=True) | models.Q(goal_money__gt=0),
                name="campaign_goal_money_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="campaign_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

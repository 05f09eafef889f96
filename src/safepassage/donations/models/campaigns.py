"""Campaigns: an organisation (or several beneficiaries together) raising money and miles."""

import uuid
from decimal import Decimal

from django.core.validators import MinValueValidator
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
    cover_image = models.FileField(
        _("cover image"), upload_to="campaign-covers/", blank=True, editable=False
    )
    cover_content_type = models.CharField(max_length=16, blank=True, editable=False)
    cover_description = models.CharField(
        _("cover image description"),
        max_length=200,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it."),
    )
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


class SponsorMatch(models.Model):
    """A sponsor matching cash gifts to a campaign: ``ratio`` per unit given, up to ``cap``.

    A ratio of 1 doubles every gift (one matched for one given); 0.5 adds half. Only gifts
    in the match's ``currency`` are matched; the cap is in the same currency. A match ends
    on ``ends_on`` (inclusive): gifts received later are not matched. The matched amount
    is derived from the gifts every time (``selectors.get_campaign_totals``), never stored.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="sponsor_matches")
    sponsor_name = models.CharField(_("sponsor"), max_length=200)
    ratio = models.DecimalField(
        _("matched per unit given"),
        max_digits=6,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    cap = models.DecimalField(
        _("cap"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    currency = models.CharField(_("currency"), max_length=3)
    ends_on = models.DateField(_("last day matched"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("sponsor match")
        verbose_name_plural = _("sponsor matches")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ratio__gt=0), name="sponsor_match_ratio_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(cap__gt=0), name="sponsor_match_cap_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"sponsor match {self.public_id}"

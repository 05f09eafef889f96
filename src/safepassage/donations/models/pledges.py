"""Pledges of miles or points: a donor's promise, confirmed by e-mail, kept in the ledger.

The ledger (``safepassage.ledger``, owner ``pledge:<public_id>``) holds how many miles
are available, reserved, redeemed, expired or withdrawn; this row holds what the donor
said (program, expiry, contact preferences) and where the pledge is in its life. The
donor's name and e-mail address are personal data (SR-32): only sealed envelopes are
stored (``donations.pledges.sealing``), bound to the pledge's public id; ``is_anonymous``
decides whether the name may ever be shown publicly. Dates are days, not timestamps.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.donations.models.campaigns import Campaign
from safepassage.donations.models.programs import Program


class PledgeStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Waiting for e-mail confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


class Pledge(models.Model):
    """One donor's pledge of one program's miles (or bank points)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="pledges", verbose_name=_("program")
    )
    transfer_partner = models.ForeignKey(
        Program,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("airline program the points would go to"),
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pledges",
        verbose_name=_("campaign"),
    )
    event = models.ForeignKey(
        "events.Event",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pledges",
        verbose_name=_("event"),
    )
    miles = models.PositiveBigIntegerField(
        _("miles or points pledged"),
        help_text=_("What the donor asked to pledge; the ledger holds what is left."),
    )
    expires_on = models.DateField(_("miles expire on"))
    contact_before = models.DateField(_("contact me only before"), null=True, blank=True)
    max_travellers = models.PositiveSmallIntegerField(
        _("most travellers these miles can book for"), null=True, blank=True
    )
    delegated_booking_consent = models.BooleanField(
        _("the fund may book with my delegated access"),
        default=False,
        help_text=_(
            "Only counts for programs that allow it; the donor shares access outside "
            "SafePassage and no password is ever stored here."
        ),
    )
    is_anonymous = models.BooleanField(_("anonymous to the public"), default=True)
    donor_name_envelope = models.BinaryField(null=True, blank=True, editable=False)
    donor_email_envelope = models.BinaryField(null=True, blank=True, editable=False)
    donor_email_digest = models.CharField(
        max_length=64,
        blank=True,
        default="",
        editable=False,
        db_index=True,
        help_text=_(
            "A keyed digest of the address, only while the pledge waits for confirmation: "
            "how a lost confirmation link is found and sent again."
        ),
    )
    language = models.CharField(
        _("language for e-mails"),
        max_length=8,
        default="en",
        help_text=_("The language the donor used on the pledge form."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PledgeStatus.choices, default=PledgeStatus.UNCONFIRMED
    )
    submission_token = models.CharField(max_length=64, unique=True, editable=False)
    created_on = models.DateField(editable=False)
    confirmed_on = models.DateField(null=True, blank=True, editable=False)
    confirmation_sent_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "The day the latest confirmation link was queued; empty while one is still to "
            "be sent (the mail server failed), so the worker sends it again."
        ),
    )
    confirmation_resends = models.PositiveSmallIntegerField(
        default=0, editable=False, help_text=_("How many times the donor asked for the link again.")
    )
    reminded_for_expiry_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("The expiry date the donor was last reminded of (one reminder per date)."),
    )

    class Meta:
        ordering = ["expires_on", "pk"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        permissions = [("view_pledge_forecast", _("Can see the forecast of expiring miles"))]
        constraints = [
            models.CheckConstraint(condition=models.Q(miles__gt=0), name="pledge_miles_positive"),
            models.CheckConstraint(
                condition=models.Q(max_travellers__isnull=True) | models.Q(max_travellers__gt=0),
                name="pledge_max_travellers_positive",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_on"], name="pledge_status_expiry")]

    def __str__(self) -> str:
        return f"pledge {self.public_id}"

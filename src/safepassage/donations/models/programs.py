"""The loyalty program catalogue: airline programs and transferable bank points.

Program rules change often, so every fact the product relies on is a
:class:`ProgramFact` with its source, as-of date and confidence; facts not found or
unverified are stored as such and shown to staff as unknown.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgramKind(models.TextChoices):
    AIRLINE = "airline", _("Airline program")
    BANK_POINTS = "bank_points", _("Transferable bank points")


class BookingForOthers(models.TextChoices):
    ANYONE = "anyone", _("Can book for anyone")
    NAMED_NOMINEES = "named_nominees", _("Only for named nominees")
    FAMILY_ONLY = "family_only", _("Only for family members")
    NOT_ALLOWED = "not_allowed", _("Cannot book for others")
    UNKNOWN = "unknown", _("Unknown")


class DelegatedBooking(models.TextChoices):
    """Whether a charity may book awards with the donor's own access to the account.

    The donor always shares access themselves, outside SafePassage: no loyalty-program
    password is ever asked for or stored (SR-32).
    """

    DONOR_MUST_BOOK = "donor_must_book", _("The donor must book")
    WITH_CONSENT = "with_consent", _("Delegated booking allowed if the donor agrees")
    UNKNOWN = "unknown", _("Unknown")


class Alliance(models.TextChoices):
    STAR_ALLIANCE = "star_alliance", _("Star Alliance")
    ONEWORLD = "oneworld", _("oneworld")
    SKYTEAM = "skyteam", _("SkyTeam")
    NONE = "none", _("No alliance")
    UNKNOWN = "unknown", _("Unknown")


class Program(models.Model):
    """One loyalty program. ``code`` is what the allocator and pledges refer to."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=ProgramKind.choices)
    alliance = models.CharField(
        _("alliance"), max_length=16, choices=Alliance.choices, default=Alliance.UNKNOWN
    )
    operating_carrier = models.CharField(
        _("operating airline (IATA code)"),
        max_length=3,
        blank=True,
        help_text=_("The airline whose program this is; empty for bank points."),
    )
    minimum_pledge = models.PositiveIntegerField(
        _("minimum pledge (miles or points)"),
        null=True,
        blank=True,
        help_text=_("Enough for at least one ticket; empty when unknown."),
    )
    booking_for_others = models.CharField(
        _("booking awards for others"),
        max_length=16,
        choices=BookingForOthers.choices,
        default=BookingForOthers.UNKNOWN,
    )
    nominee_limit = models.PositiveSmallIntegerField(
        _("nominee limit"),
        null=True,
        blank=True,
        help_text=_("How many named people a member may book for, where limited."),
    )
    nominee_change_wait_days = models.PositiveSmallIntegerField(
        _("days before a nominee can be changed"), null=True, blank=True
    )
    delegated_booking = models.CharField(
        _("booking with the donor's access"),
        max_length=16,
        choices=DelegatedBooking.choices,
        default=DelegatedBooking.UNKNOWN,
        help_text=_(
            "Whether the fund may book with the donor's delegated access to the account "
            "(the donor agrees on the pledge). Unknown counts as: the donor must book."
        ),
    )
    member_transfer = models.TextField(
        _("transfer to another member"),
        blank=True,
        help_text=_("Whether miles can move to another member, and at what fee."),
    )
    expiry_policy = models.TextField(_("expiry policy"), blank=True)
    is_active = models.BooleanField(_("accepts pledges"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("loyalty program")
        verbose_name_plural = _("loyalty programs")

    def __str__(self) -> str:
        return self.name


class FactTopic(models.TextChoices):
    BOOKING_FOR_OTHERS = "booking_for_others", _("Booking for others")
    DELEGATED_BOOKING = "delegated_booking", _("Booking with the donor's access")
    TRANSFER = "transfer", _("Transfers and pooling")
    CHARITY = "charity", _("Charity donations")
    PRICING = "pricing", _("Award pricing")
    EXPIRY = "expiry", _("Expiry")
    ALLIANCE = "alliance", _("Alliance")
    MINIMUM = "minimum", _("Minimum pledge")


class FactConfidence(models.TextChoices):
    SOURCED = "sourced", _("Sourced")
    LOW = "low", _("Low confidence")
    UNVERIFIED = "unverified", _("Unverified")
    NOT_FOUND = "not_found", _("Not found")


class ProgramFact(models.Model):
    """One fact about a program, with where and when it was seen."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="facts")
    topic = models.CharField(_("topic"), max_length=24, choices=FactTopic.choices)
    statement = models.TextField(_("statement"))
    source = models.TextField(_("source"), blank=True)
    as_of = models.DateField(_("as of"), null=True, blank=True)
    confidence = models.CharField(
        _("confidence"),
        max_length=16,
        choices=FactConfidence.choices,
        default=FactConfidence.SOURCED,
    )

    class Meta:
        ordering = ["program", "topic"]
        verbose_name = _("program fact")
        verbose_name_plural = _("program facts")

    def __str__(self) -> str:
        return f"{self.program.code}: {self.topic}"


class TransferPartner(models.Model):
    """Bank points that convert into an airline program at ``points_in``:``miles_out``."""

    bank_program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="transfer_partners"
    )
    airline_program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    points_in = models.PositiveIntegerField(_("points transferred"), default=1)
    miles_out = models.PositiveIntegerField(_("miles received"), default=1)
    notes = models.TextField(_("notes"), blank=True)
    source = models.TextField(_("source"), blank=True)
    as_of = models.DateField(_("as of"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bank_program", "airline_program"], name="transfer_partner_unique"
            )
        ]
        verbose_name = _("transfer partner")
        verbose_name_plural = _("transfer partners")

    def __str__(self) -> str:
        return f"{self.bank_program.code} → {self.airline_program.code}"

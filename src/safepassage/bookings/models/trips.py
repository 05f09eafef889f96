"""Accepted trips and their booking requests.

A :class:`Trip` is a travel request whose allocation a coordinator accepted: the case
(code and party size only), the option chosen and the run it came from. Each
:class:`BookingRequest` covers the tickets of one fare of the trip paid from one pledge
(or with cash): the miles reserved in the ledger for them, who books (the donor, or the
coordinator with the donor's delegated access) and what happened.

Sensitive values are sealed (see docs/security/encryption.md, "Booking requests"):

- ``Trip.passengers``: passengers and itinerary, a FIELD envelope under the case's
  travel-passenger group key (only holders of that key read it);
- ``Trip.record_private_key``: the private half of the trip's record key pair, sealed
  under the same group key; ``Trip.record_public_key`` is its public half;
- ``BookingRequest.donor_passengers``: the passengers of that request only, sealed under
  a random link key that exists only in the donor's e-mailed link (never stored);
- ``BookingRequest.booking_record``: locator and taxes, a MESSAGE envelope sealed to the
  trip's record public key and the organisation's recovery key, so a donor can record a
  booking without holding any case key.

The case's "ticketed" move needs no key: the cases app's system move stores a reason code.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import User
from safepassage.bookings.models.runs import AllocationRun
from safepassage.cases.models import Case
from safepassage.donations.models import Pledge
from safepassage.organisations.models import Organisation


class TripStatus(models.TextChoices):
    BOOKING = "booking", _("Being booked")
    TICKETED = "ticketed", _("Ticketed")
    DEPARTED = "departed", _("Departed")
    ARRIVED = "arrived", _("Arrived")
    CANCELLED = "cancelled", _("Cancelled")


class Trip(models.Model):
    """An accepted allocation for one travel request (one party, one route option)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(AllocationRun, on_delete=models.PROTECT, related_name="trips")
    request_ref = models.CharField(max_length=64)
    option_ref = models.CharField(max_length=128)
    travellers = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=TripStatus.choices, default=TripStatus.BOOKING)
    accepted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    accepted_on = models.DateField()
    passengers = models.BinaryField(null=True, blank=True)
    record_public_key = models.BinaryField(max_length=32)
    record_private_key = models.BinaryField()

    class Meta:
        ordering = ["-accepted_on", "-pk"]
        verbose_name = _("trip")
        verbose_name_plural = _("trips")
        permissions = [("manage_trip", _("Can send booking requests and record trips"))]
        constraints = [
            models.UniqueConstraint(
                fields=["request_ref"],
                condition=~models.Q(status="cancelled"),
                name="trip_one_live_per_request",
            )
        ]

    def __str__(self) -> str:
        return f"trip {self.public_id}"


class BookingMode(models.TextChoices):
    DONOR = "donor", _("The donor books")
    COORDINATOR = "coordinator", _("The coordinator books (delegated access or cash)")


class BookingStatus(models.TextChoices):
    RESERVED = "reserved", _("Miles reserved, request not sent")
    SENT = "sent", _("Sent to the donor")
    BOOKED = "booked", _("Booked")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_BOOKING_STATUSES = (BookingStatus.RESERVED, BookingStatus.SENT)


class BookingRequest(models.Model):
    """The tickets of one fare of a trip paid from one pledge (or with cash)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trip = models.ForeignKey(Trip, on_delete=models.PROTECT, related_name="booking_requests")
    run = models.ForeignKey(AllocationRun, on_delete=models.PROTECT, related_name="+")
    request_ref = models.CharField(max_length=64)
    fare_ref = models.CharField(max_length=128)
    traveller_numbers = models.JSONField(default=list)
    pledge = models.ForeignKey(
        Pledge, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    program = models.CharField(max_length=16, blank=True)
    miles = models.PositiveIntegerField(default=0)
    ledger_points = models.PositiveBigIntegerField(default=0)
    cash = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="USD")
    mode = models.CharField(max_length=16, choices=BookingMode.choices, default=BookingMode.DONOR)
    status = models.CharField(
        max_length=16, choices=BookingStatus.choices, default=BookingStatus.RESERVED
    )
    created_on = models.DateField()
    sent_on = models.DateField(null=True, blank=True)
    link_version = models.PositiveSmallIntegerField(default=0)
    donor_passengers = models.BinaryField(null=True, blank=True)
    code_hash = models.CharField(max_length=128, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    # Both count per link version (a new link starts them again), never per code: a new
    # code must not buy new guesses (decision 0010).
    code_attempts = models.PositiveSmallIntegerField(default=0)
    codes_sent = models.PositiveSmallIntegerField(default=0)
    miles_charged = models.PositiveIntegerField(null=True, blank=True)
    points_redeemed = models.PositiveBigIntegerField(default=0)
    cash_paid = models.JSONField(
        default=list,
        blank=True,
        help_text="How the charge was paid: per fund or campaign, amount and rates used.",
    )
    booking_record = models.BinaryField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    replacement = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("booking request")
        verbose_name_plural = _("booking requests")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pledge__isnull=True, miles=0)
                | models.Q(pledge__isnull=False, miles__gt=0),
                name="booking_request_miles_with_pledge",
            ),
            models.CheckConstraint(
                condition=models.Q(cash__gte=0), name="booking_request_cash_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"booking request {self.public_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_BOOKING_STATUSES

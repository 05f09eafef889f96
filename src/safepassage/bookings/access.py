"""Permission-checked fetches of runs, trips and booking requests (404 for missing and
forbidden alike, SR-15), and the donor's fetch through a signed link."""

import uuid

from django.http import Http404

from safepassage.accounts.models import User
from safepassage.bookings.models import AllocationRun, BookingMode, BookingRequest, Trip
from safepassage.bookings.tokens import DonorLink, read_donor_token
from safepassage.cases.models import CaseMember


def access_run(*, user: User, run_id: uuid.UUID, permission: str) -> AllocationRun:
    """The run, if ``user``'s role in its organisation grants ``permission``."""
    run = AllocationRun.objects.select_related("organisation").filter(public_id=run_id).first()
    if run is None or not user.has_perm(permission, run.organisation):
        raise Http404
    return run


def access_trip(*, user: User, trip_id: uuid.UUID, permission: str) -> Trip:
    """The trip, if ``user``'s role grants ``permission`` and ``user`` works on its case."""
    trip = (
        Trip.objects.select_related("organisation", "case", "case__organisation")
        .filter(public_id=trip_id)
        .first()
    )
    if (
        trip is None
        or not user.has_perm(permission, trip.organisation)
        or not CaseMember.objects.filter(case=trip.case, user=user).exists()
    ):
        raise Http404
    return trip


def access_booking_request(*, user: User, booking_id: uuid.UUID, permission: str) -> BookingRequest:
    """The booking request, if ``user`` may reach its trip (see :func:`access_trip`)."""
    booking = (
        BookingRequest.objects.select_related("trip", "pledge__program")
        .filter(public_id=booking_id)
        .first()
    )
    if booking is None:
        raise Http404
    access_trip(user=user, trip_id=booking.trip.public_id, permission=permission)
    return booking


def access_donor_booking(*, token: str) -> tuple[BookingRequest, DonorLink]:
    """The booking request a donor's link names, if the link is genuine, current (a resent
    link replaces the old one) and for a booking the donor makes."""
    link = read_donor_token(token)
    if link is None:
        raise Http404
    booking = (
        BookingRequest.objects.select_related("trip__organisation", "pledge__program")
        .filter(public_id=link.booking_id, mode=BookingMode.DONOR, pledge__isnull=False)
        .first()
    )
    if booking is None or booking.link_version != link.version:
        raise Http404
    return booking, link

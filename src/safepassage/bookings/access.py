"""Permission-checked fetches of runs, trips and booking requests (404 for missing and
forbidden alike, SR-15), and the donor's fetch through a signed link."""

import uuid

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from safepassage.accounts.models import User
from safepassage.accounts.permission_scopes import granted_in
from safepassage.bookings.models import AllocationRun, BookingMode, BookingRequest, Trip
from safepassage.bookings.tokens import DonorLink, read_donor_token
from safepassage.cases.models import CaseMember


def access_run(*, user: User, run_id: uuid.UUID, permission: str) -> AllocationRun:
    """The run, if ``user``'s role in its organisation grants ``permission`` (checked in the
    fetching query: a forbidden run is not found, at the cost of an unknown one, SR-15)."""
    run = (
        AllocationRun.objects.select_related("organisation")
        .filter(public_id=run_id)
        .filter(granted_in(user=user, permission=permission))
        .first()
    )
    if run is None:
        raise Http404
    return run


def _reachable_trip(*, user: User, permission: str, trip: str = "") -> Q:
    """A condition on trips (or, with ``trip`` "trip__", on rows of a trip): ``user``'s role
    in the trip's organisation grants ``permission`` and ``user`` works on its case."""
    on_case = CaseMember.objects.filter(case=OuterRef(f"{trip}case"), user_id=user.pk)
    return granted_in(user=user, permission=permission, organisation=f"{trip}organisation") & Q(
        Exists(on_case)
    )


def access_trip(*, user: User, trip_id: uuid.UUID, permission: str) -> Trip:
    """The trip, if ``user``'s role grants ``permission`` and ``user`` works on its case."""
    trip = (
        Trip.objects.select_related("organisation", "case", "case__organisation")
        .filter(public_id=trip_id)
        .filter(_reachable_trip(user=user, permission=permission))
        .first()
    )
    if trip is None:
        raise Http404
    return trip


def access_booking_request(*, user: User, booking_id: uuid.UUID, permission: str) -> BookingRequest:
    """The booking request, if ``user`` may reach its trip (see :func:`access_trip`)."""
    booking = (
        BookingRequest.objects.select_related("trip", "pledge__program")
        .filter(public_id=booking_id)
        .filter(_reachable_trip(user=user, permission=permission, trip="trip__"))
        .first()
    )
    if booking is None:
        raise Http404
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

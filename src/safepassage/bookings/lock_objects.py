"""Row locks of allocation and booking, in primary-key order.

Project-wide order: pledges (donations), then booking rows here, then ledger owners, then
the audit head.
"""

from safepassage.bookings.models import BookingRequest, Trip


def lock_booking_request(*, booking_pk: int) -> BookingRequest:
    return (
        BookingRequest.objects.select_for_update(of=("self",))
        .select_related("trip", "pledge__program", "pledge__transfer_partner")
        .get(pk=booking_pk)
    )


def lock_trip(*, trip_pk: int) -> Trip:
    return Trip.objects.select_for_update(of=("self",)).select_related("case").get(pk=trip_pk)

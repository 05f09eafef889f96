"""Models of allocation runs, accepted trips, tickets and booking requests."""

from safepassage.bookings.models.refunds import CashRefund, NoRefundReason, RefundOutcome
from safepassage.bookings.models.runs import AllocationRun, RunStatus
from safepassage.bookings.models.trips import (
    BookingMode,
    BookingRequest,
    BookingStatus,
    Trip,
    TripStatus,
)

__all__ = [
    "AllocationRun",
    "BookingMode",
    "BookingRequest",
    "BookingStatus",
    "CashRefund",
    "NoRefundReason",
    "RefundOutcome",
    "RunStatus",
    "Trip",
    "TripStatus",
]

"""The bookings app's columns sealed under a case group key (see ``cases.case_key_rotation``).

A trip's passengers and its record private key are sealed under the case's travel-passenger
key and are re-sealed on rotation. The booking record is a MESSAGE envelope to the trip's
record key and the recovery key, and a donor's copy of the passengers is sealed under the
key in the donor's link: no group key opens either, so rotation leaves them alone
(re-sealing the record private key is enough).
"""

from safepassage.bookings.models import Trip
from safepassage.cases.case_key_rotation import SealedColumn, register_sealed_column
from safepassage.core.crypto import SensitiveGroup

TRAVEL = SensitiveGroup.TRAVEL_PASSENGER


register_sealed_column(SealedColumn(model=Trip, column="passengers", group=TRAVEL))
register_sealed_column(SealedColumn(model=Trip, column="record_private_key", group=TRAVEL))

"""The bookings app's columns sealed under a case group key (see ``cases.case_key_rotation``).

A trip's passengers, its record private key and the reason of its coming "ticketed" move
are sealed under the case's travel-passenger key and are re-sealed on rotation. The
booking record is a MESSAGE envelope to the trip's record key and the recovery key, and a
donor's copy of the passengers is sealed under the key in the donor's link: no group key
opens either, so rotation leaves them alone (re-sealing the record private key is enough).
"""

from django.db import models

from safepassage.bookings.models import Trip
from safepassage.cases.case_key_rotation import SealedColumn, register_sealed_column
from safepassage.core.crypto import FieldContext, SensitiveGroup

TRAVEL = SensitiveGroup.TRAVEL_PASSENGER


def _ticketed_reason_context(row: models.Model) -> FieldContext:
    # Sealed in advance for the CaseTransition the "ticketed" move will create.
    transition_id = row.ticketed_transition_id  # type: ignore[attr-defined]  # a Trip row
    return FieldContext(model="cases.CaseTransition", field="reason", row_id=str(transition_id))


register_sealed_column(SealedColumn(model=Trip, column="passengers", group=TRAVEL))
register_sealed_column(SealedColumn(model=Trip, column="record_private_key", group=TRAVEL))
register_sealed_column(
    SealedColumn(
        model=Trip,
        column="ticketed_reason",
        group=TRAVEL,
        context_of=_ticketed_reason_context,
    )
)

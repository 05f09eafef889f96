"""Remove a shredded case's trips and booking requests (see ``cases.case_shredding``).

Trips hold the case with ``on_delete=PROTECT`` and booking requests hold their trip; both
carry sealed passenger data. Reserved miles are released in the ledger before the rows go.
"""

from safepassage.bookings.actions import do_remove_case_trips
from safepassage.cases.case_shredding import register_case_shredder
from safepassage.cases.models import Case


def shred_trips(case: Case) -> None:
    """Runs inside the shredding transaction, before the case row goes."""
    do_remove_case_trips(case=case)


register_case_shredder("bookings.trips", shred_trips)

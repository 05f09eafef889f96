"""Remove a shredded case's travel requests (see ``cases.case_shredding``).

Travel requests hold the case and its household members with ``on_delete=PROTECT``; their
options, fares, prices, travellers and destinations go with them (cascade).
"""

from safepassage.cases.case_shredding import register_case_shredder
from safepassage.cases.models import Case
from safepassage.travel.models import TravelRequest


def shred_travel_requests(case: Case) -> None:
    """Runs inside the shredding transaction, before the case row goes."""
    TravelRequest.objects.filter(case=case).delete()


register_case_shredder("travel.requests", shred_travel_requests)

"""Row locks of the travel app, always taken in primary-key order."""

from safepassage.travel.models import TravelRequest


def lock_travel_request(*, travel_request: TravelRequest) -> TravelRequest:
    """Lock one travel request row while its options change; call inside
    ``transaction.atomic()``."""
    return TravelRequest.objects.select_for_update().get(pk=travel_request.pk)

"""Labels other apps show for links to allocation and trips (the organisation page)."""

from django.utils.translation import gettext_lazy as _

ALLOCATION_LINK = _("Allocation")
TRIPS_LINK = _("Trips")

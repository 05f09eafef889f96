"""Labels other apps show for the pathway pages (kept here, so the pathways app's own
catalogue translates them)."""

from django.utils.translation import gettext_lazy as _

PATHWAYS_LINK = _("Country pathways")
"""The organisation page's work link to ``pathways:board``."""

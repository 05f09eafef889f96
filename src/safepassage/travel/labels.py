"""Labels other apps show for the travel pages (kept here, so the travel app's own catalogue
translates them)."""

from django.utils.translation import gettext_lazy as _

TRAVEL_PLANNING = _("Travel planning")
"""The organisation page's work link to ``travel:home``."""

"""Typed errors of the transparency app, each with a code and a translatable message."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class TransparencyError(Exception):
    code = "transparency_error"
    message: str | Promise = _("The transparency figures could not be published.")


class SnapshotExists(TransparencyError):
    code = "snapshot_exists"
    message = _("Figures up to this month are already published.")

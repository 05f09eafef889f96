"""Typed errors of the organisations app."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class OrganisationsError(Exception):
    code = "organisations_error"
    message: str | Promise = _("Something went wrong with the organisation.")


class OrganisationExists(OrganisationsError):
    code = "organisation_exists"
    message = _("An organisation with this name exists already.")

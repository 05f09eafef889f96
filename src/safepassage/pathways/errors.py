"""Typed errors of the pathways app, each with a code and a translatable message."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class PathwaysError(Exception):
    code = "pathways_error"
    message: str | Promise = _("Something went wrong with the pathway.")


class UnknownCountry(PathwaysError):
    code = "unknown_country"
    message = _("Choose a country from the list.")


class PathwayExists(PathwaysError):
    code = "pathway_exists"
    message = _("This organisation already has a board for this country.")


class QuotaOverUsed(PathwaysError):
    code = "quota_over_used"
    message = _("More places cannot be used than the quota offers.")


class CaseOfAnotherOrganisation(PathwaysError):
    code = "case_of_another_organisation"
    message = _("A case can only wait on its own organisation's pathways.")


class CaseCodeNotFound(PathwaysError):
    """Unknown code, a case the user does not work on, another organisation's: one answer
    for all (SR-15)."""

    code = "case_code_not_found"
    message = _(
        "No open case you work on in this organisation has this code. Check the code on the "
        "case's page."
    )


class CaseAlreadyLinked(PathwaysError):
    code = "case_already_linked"
    message = _("This case is already waiting on this pathway.")


class CaseNotLinked(PathwaysError):
    code = "case_not_linked"
    message = _("This case is not waiting on this pathway.")

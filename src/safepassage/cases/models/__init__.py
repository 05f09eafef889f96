"""Models of the cases app: key material (``keys``), cases (``case``) and their tasks."""

from safepassage.cases.models.case import (
    Case,
    CaseGroupKey,
    CaseMember,
    CaseNote,
    CaseState,
    CaseTransition,
    HolderKind,
    HouseholdMember,
    Priority,
    Risk,
)
from safepassage.cases.models.documents import CaseDocument
from safepassage.cases.models.keys import OrganisationKeyring, StaffKeyPair, TeamKeyCopy
from safepassage.cases.models.referrals import CaseReferral
from safepassage.cases.models.tasks import CaseTask

__all__ = [
    "Case",
    "CaseDocument",
    "CaseGroupKey",
    "CaseMember",
    "CaseNote",
    "CaseReferral",
    "CaseState",
    "CaseTask",
    "CaseTransition",
    "HolderKind",
    "HouseholdMember",
    "OrganisationKeyring",
    "Priority",
    "Risk",
    "StaffKeyPair",
    "TeamKeyCopy",
]

"""Models of the cases app: key material (``keys``) and cases (``case``)."""

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
from safepassage.cases.models.keys import OrganisationKeyring, StaffKeyPair, TeamKeyCopy

__all__ = [
    "Case",
    "CaseGroupKey",
    "CaseMember",
    "CaseNote",
    "CaseState",
    "CaseTransition",
    "HolderKind",
    "HouseholdMember",
    "OrganisationKeyring",
    "Priority",
    "Risk",
    "StaffKeyPair",
    "TeamKeyCopy",
]

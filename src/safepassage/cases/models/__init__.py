"""Models of the cases app: key material (``keys``), cases (``case``) and their tasks."""

from safepassage.cases.models.attention import CaseAttention
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
from safepassage.cases.models.retention import (
    FINAL_STATES,
    RetentionRule,
    ShreddedCase,
    ShredReason,
)
from safepassage.cases.models.rotation import KeyRotation, KeyRotationCase
from safepassage.cases.models.tasks import CaseTask

__all__ = [
    "FINAL_STATES",
    "Case",
    "CaseAttention",
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
    "KeyRotation",
    "KeyRotationCase",
    "OrganisationKeyring",
    "Priority",
    "RetentionRule",
    "Risk",
    "ShredReason",
    "ShreddedCase",
    "StaffKeyPair",
    "TeamKeyCopy",
]

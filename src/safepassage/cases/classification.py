"""SR-01 for the cases app: every model field is classified, in code.

- ``workflow``: clear and non-identifying (SR-02: random code, state, priority, risk, party
  size, origin/destination code, dates to the day), or internal references (row ids, foreign
  keys, public ids);
- ``sensitive``: a FIELD envelope sealed under the named group's key;
- ``key``: key material that opens nothing alone (public keys, wrapped keys, fingerprints).

``tests/cases/test_classification.py`` fails for an unclassified field or a sensitive field
that is not a binary envelope column.
"""

from safepassage.core.classification import FieldClass
from safepassage.core.crypto import SensitiveGroup

__all__ = ["FIELD_CLASSES", "FieldClass"]  # intake and pathways import FieldClass from here

W, S, K = FieldClass.WORKFLOW, FieldClass.SENSITIVE, FieldClass.KEY

FIELD_CLASSES: dict[str, dict[str, tuple[FieldClass, SensitiveGroup | None]]] = {
    "Case": {
        "id": (W, None),
        "public_id": (W, None),
        "organisation": (W, None),
        "code": (W, None),
        "state": (W, None),
        "priority": (W, None),
        "risk": (W, None),
        "party_size": (W, None),
        "origin": (W, None),
        "destination": (W, None),
        "opened_on": (W, None),
        "state_changed_on": (W, None),
        "identity": (S, SensitiveGroup.IDENTITY),
        "contact": (S, SensitiveGroup.CONTACT),
        "location": (S, SensitiveGroup.LOCATION),
        "narrative": (S, SensitiveGroup.NARRATIVE),
    },
    "CaseGroupKey": {
        "id": (W, None),
        "case": (W, None),
        "group": (W, None),
        "version": (W, None),
        "holder_kind": (W, None),
        "user": (W, None),
        "recipient_fingerprint": (K, None),
        "envelope": (K, None),
        "referral": (W, None),
    },
    "CaseMember": {"id": (W, None), "case": (W, None), "user": (W, None), "added_on": (W, None)},
    "CaseTransition": {
        "id": (W, None),
        "public_id": (W, None),
        "case": (W, None),
        "actor": (W, None),
        "actor_kind": (W, None),
        "source": (W, None),
        "target": (W, None),
        "made_on": (W, None),
        "reason": (S, SensitiveGroup.NARRATIVE),
        "reason_group": (W, None),
        "reason_code": (W, None),
    },
    "CaseAttention": {
        "id": (W, None),
        "public_id": (W, None),
        "case": (W, None),
        "transition": (W, None),
        "recipient": (W, None),
        "reason_code": (W, None),
        "unassigned": (W, None),
        "raised_on": (W, None),
        "dismissed_on": (W, None),
    },
    "HouseholdMember": {
        "id": (W, None),
        "public_id": (W, None),
        "case": (W, None),
        "added_on": (W, None),
        "identity": (S, SensitiveGroup.IDENTITY),
    },
    "CaseNote": {
        "id": (W, None),
        "public_id": (W, None),
        "case": (W, None),
        "author": (W, None),
        "written_on": (W, None),
        "body": (S, SensitiveGroup.NARRATIVE),
    },
    "CaseTask": {
        "id": (W, None),
        "public_id": (W, None),
        "case": (W, None),
        "assignee": (W, None),
        "created_by": (W, None),
        "created_on": (W, None),
        "due_on": (W, None),
        "done_on": (W, None),
        "text": (S, SensitiveGroup.NARRATIVE),
    },
    "CaseDocument": {
        "id": (W, None),
        "public_id": (W, None),
        "case": (W, None),
        "uploaded_by": (W, None),
        "uploaded_on": (W, None),
        "file_key": (S, SensitiveGroup.DOCUMENTS),
        "details": (S, SensitiveGroup.DOCUMENTS),
    },
    "CaseReferral": {
        "id": (W, None),
        "public_id": (W, None),
        "case": (W, None),
        "from_organisation": (W, None),
        "to_organisation": (W, None),
        "referred_by": (W, None),
        "referred_on": (W, None),
        "sender_keeps_access": (W, None),
        "expires_on": (W, None),
        "accepted_by": (W, None),
        "accepted_on": (W, None),
        "revoked_on": (W, None),
        "consent": (S, SensitiveGroup.NARRATIVE),
    },
    "RetentionRule": {
        "id": (W, None),
        "organisation": (W, None),
        "state": (W, None),
        "days": (W, None),
    },
    "ShreddedCase": {
        "id": (W, None),
        "organisation": (W, None),
        "code": (W, None),
        "final_state": (W, None),
        "final_state_on": (W, None),
        "shredded_on": (W, None),
        "reason": (W, None),
        "party_size": (W, None),
        "destination": (W, None),
    },
    "KeyRotation": {
        "id": (W, None),
        "public_id": (W, None),
        "organisation": (W, None),
        "started_on": (W, None),
        "finished_on": (W, None),
    },
    "KeyRotationCase": {
        "id": (W, None),
        "rotation": (W, None),
        "case": (W, None),
        "rotated_on": (W, None),
    },
    "StaffKeyPair": {
        "id": (W, None),
        "user": (W, None),
        "public_key": (K, None),
        "password_envelope": (K, None),
        "recovery_envelope": (K, None),
        "created_on": (W, None),
    },
    "OrganisationKeyring": {
        "id": (W, None),
        "organisation": (W, None),
        "recovery_public_key": (K, None),
        "team_public_key": (K, None),
    },
    "TeamKeyCopy": {
        "id": (W, None),
        "organisation": (W, None),
        "user": (W, None),
        "envelope": (K, None),
    },
}

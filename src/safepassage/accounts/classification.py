"""SR-01 for the accounts app: every model field is classified, in code (kinds:
``safepassage.core.classification``).

Staff display names are sealed (``sealed_display_name``, ``sensitive`` without a case
group, decision 0052): a FIELD envelope under a key derived from the server's two-factor
key, bound to the user's public id, read and written through ``User.display_name``. Staff
e-mail addresses are still ``personal`` and in clear: sign-in looks the account up by its
address, so a copy of the database still tells who has an account (and the address often
names the person). The threat model counts caseworkers' identities as an asset;
``docs/security/seizure.md`` says so and advises caseworkers inside the origin country to
use an address that does not identify them. Sealing addresses (a keyed lookup digest for
sign-in and a sealed copy for mail) is listed as open in ``docs/security/requirements.md``
(SR-01). An invitation keeps its address only while open: accepting, revoking or
superseding it blanks the address, and a daily task blanks it once the invitation expired
unused.

The password is an Argon2id hash (``digest``); the session epoch is a random value that only
a server holding ``SECRET_KEY`` can turn into a session hash (``key``); the two-factor reset
keeps the SHA-256 of a random 128-bit code (``digest``). A security key's public key and
credential id open nothing (``key``); the name its owner typed for it (people write "Anna's
key") is sealed under the server's two-factor key (``sealed_name``, ``sensitive`` without a
case group, decision 0050) and django-otp's ``name`` column holds only the fixed label
"security key".
"""

from collections.abc import Mapping

from safepassage.core.classification import Classification, FieldClass

W, PE, D, K = FieldClass.WORKFLOW, FieldClass.PERSONAL, FieldClass.DIGEST, FieldClass.KEY
S = FieldClass.SENSITIVE

FIELD_CLASSES: dict[str, Mapping[str, Classification]] = {
    "User": {
        "id": W,
        "password": D,
        "last_login": W,
        "is_superuser": W,
        "public_id": W,
        "email": PE,
        "sealed_display_name": S,  # under the server's two-factor key (decision 0052)
        "is_active": W,
        "date_joined": W,
        "session_epoch": K,
    },
    "User_groups": dict.fromkeys(("id", "user", "group"), W),
    "User_user_permissions": dict.fromkeys(("id", "user", "permission"), W),
    "Membership": dict.fromkeys(("id", "user", "organisation", "role", "created_at"), W),
    "Invitation": {
        "id": W,
        "public_id": W,
        "organisation": W,
        "email": PE,
        "role": W,
        "invited_by": W,
        "created_at": W,
        "expires_at": W,
        "accepted_at": W,
        "accepted_by": W,
    },
    "TwoFactorReset": {
        "id": W,
        "public_id": W,
        "user": W,
        "reset_by": W,
        "code_hash": D,
        "created_at": W,
        "expires_at": W,
        "code_used_at": W,
        "enrolled_at": W,
    },
    "SecurityKey": {
        "id": W,
        "name": W,  # always "security key": the owner's name for it is in sealed_name
        "confirmed": W,
        "user": W,
        "public_id": W,
        "credential_id": K,
        "public_key": K,
        "sign_count": W,
        "transports": W,
        "created_on": W,
        "last_used_on": W,
        "sealed_name": S,  # under the server's two-factor key, not a case group (0050)
    },
}

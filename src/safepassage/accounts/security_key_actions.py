"""Security keys (WebAuthn) as a second factor: register, remove, sign in (decision 0035).

Every browser answer is checked by py_webauthn against a challenge this session was given
(single use, 5 minutes), the relying party id and the exact origin of the request. Any
mismatch, malformed answer or unknown credential is one typed error, never a traceback;
sign-in failures count in the same growing delays as wrong authenticator codes (the
user's TOTP device's throttle, SR-21) and are audited like them.
"""

import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from safepassage.accounts.errors import (
    ReauthenticationLocked,
    SecurityKeyAlreadyRegistered,
    SecurityKeyNotRegistered,
    SecurityKeyReauthenticationRefused,
    SecurityKeyRefused,
    SecurityKeysUnavailable,
    SecurityKeyThrottled,
)
from safepassage.accounts.models import SecurityKey, User, new_session_epoch
from safepassage.accounts.reauthentication import mark_recently_authenticated
from safepassage.accounts.two_factor_secrets import seal_key_name
from safepassage.accounts.webauthn_ceremony import (
    AUTHENTICATE,
    REAUTHENTICATE,
    REGISTER,
    RP_NAME,
    CeremonyRefused,
    RelyingParty,
    new_challenge,
    relying_party,
    take_challenge,
)
from safepassage.audit.actions import Outcome, record_audit_event

TIMEOUT_MILLISECONDS = 120_000
MAX_KEYS = 10
# What a malformed browser answer may raise inside py_webauthn and its parsers.
MALFORMED = (WebAuthnException, ValueError, TypeError, KeyError, AttributeError, IndexError)


def _relying_party(request: HttpRequest) -> RelyingParty:
    try:
        return relying_party(request)
    except CeremonyRefused:
        raise SecurityKeysUnavailable from None


def _descriptors(*, user: User) -> list[PublicKeyCredentialDescriptor]:
    known = {transport.value for transport in AuthenticatorTransport}
    return [
        PublicKeyCredentialDescriptor(
            id=base64url_to_bytes(key.credential_id),
            transports=[AuthenticatorTransport(t) for t in key.transports if t in known],
        )
        for key in SecurityKey.objects.filter(user=user, confirmed=True).order_by("pk")
    ]


def has_security_key(*, user: User) -> bool:
    return SecurityKey.objects.filter(user=user, confirmed=True).exists()


# --- Registration -----------------------------------------------------------------------


def registration_options_json(*, request: HttpRequest, user: User) -> str:
    """Options for ``navigator.credentials.create()`` as JSON; a new challenge is kept in
    the session. The user handle is the account's public id (no name or address): the key
    is told only a display name."""
    party = _relying_party(request)
    options = generate_registration_options(
        rp_id=party.rp_id,
        rp_name=RP_NAME,
        user_id=user.public_id.bytes,
        user_name=user.display_name or str(user.public_id),
        user_display_name=user.display_name or str(user.public_id),
        challenge=new_challenge(request=request, user=user, purpose=REGISTER),
        timeout=TIMEOUT_MILLISECONDS,
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(user=user),
    )
    return options_to_json(options)


@dataclass(frozen=True)
class VerifiedKey:
    credential_id: str
    public_key: bytes
    sign_count: int
    transports: list[str]


def check_add_security_key(*, request: HttpRequest, user: User, credential: str) -> VerifiedKey:
    """Verify the browser's registration answer against this session's challenge; raises
    :class:`SecurityKeyNotRegistered` (or :class:`SecurityKeyAlreadyRegistered`)."""
    party = _relying_party(request)
    challenge = take_challenge(request=request, user=user, purpose=REGISTER)
    if challenge is None or not credential:
        raise SecurityKeyNotRegistered
    try:
        verified = verify_registration_response(
            credential=_json_object(credential),
            expected_challenge=challenge,
            expected_rp_id=party.rp_id,
            expected_origin=party.origin,
            require_user_presence=True,
        )
        transports = _json_object(credential).get("response", {}).get("transports", []) or []
    except MALFORMED:
        raise SecurityKeyNotRegistered from None
    credential_id = bytes_to_base64url(verified.credential_id)
    if SecurityKey.objects.filter(credential_id=credential_id).exists():
        raise SecurityKeyAlreadyRegistered
    known = {transport.value for transport in AuthenticatorTransport}
    return VerifiedKey(
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=[str(t) for t in transports if isinstance(t, str) and t in known],
    )


def do_add_security_key(*, user: User, name: str, verified: VerifiedKey) -> SecurityKey:
    """Store the verified key under ``name``; a two-factor change, so every session of the
    user ends (SR-22) and the caller keeps its own with ``update_session_auth_hash``."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if SecurityKey.objects.filter(user=user).count() >= MAX_KEYS:
            raise SecurityKeyNotRegistered
        if SecurityKey.objects.filter(credential_id=verified.credential_id).exists():
            raise SecurityKeyAlreadyRegistered
        key = SecurityKey(
            user=user,
            name=SecurityKey.KEY_LABEL,
            confirmed=True,
            credential_id=verified.credential_id,
            public_key=verified.public_key,
            sign_count=verified.sign_count,
            transports=verified.transports,
        )
        key.sealed_name = seal_key_name(key_ref=str(key.public_id), name=name)
        key.save(force_insert=True)
        _rotate_session_epoch(user=user)
        record_audit_event(
            actor_ref=str(user.public_id),
            action="two_factor.key_added",
            object_type="security_key",
            object_ref=str(key.public_id),
        )
    return key


def do_remove_security_key(*, user: User, key: SecurityKey) -> None:
    """Delete one of the user's keys (audited); every session of the user ends (SR-22)."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        deleted, _ = SecurityKey.objects.filter(pk=key.pk, user=user).delete()
        if not deleted:
            return
        _rotate_session_epoch(user=user)
        record_audit_event(
            actor_ref=str(user.public_id),
            action="two_factor.key_removed",
            object_type="security_key",
            object_ref=str(key.public_id),
        )


def _rotate_session_epoch(*, user: User) -> None:
    user.session_epoch = new_session_epoch()
    user.save(update_fields=["session_epoch"])


# --- Sign-in ----------------------------------------------------------------------------


def authentication_options_json(
    *, request: HttpRequest, user: User, purpose: str = AUTHENTICATE
) -> str | None:
    """Options for ``navigator.credentials.get()`` listing the user's keys, with a new
    challenge for ``purpose`` (sign-in, or re-authentication) kept in the session; None
    when the user has no key or keys cannot work on this request (the code form is then
    all the page offers)."""
    descriptors = _descriptors(user=user)
    if not descriptors:
        return None
    try:
        party = relying_party(request)
    except CeremonyRefused:
        return None
    options = generate_authentication_options(
        rp_id=party.rp_id,
        challenge=new_challenge(request=request, user=user, purpose=purpose),
        timeout=TIMEOUT_MILLISECONDS,
        allow_credentials=descriptors,
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return options_to_json(options)


def check_security_key_sign_in(*, request: HttpRequest, user: User, credential: str) -> SecurityKey:
    """Verify an assertion from one of ``user``'s keys and advance its sign count.

    Refused (:class:`SecurityKeyRefused`, counted in the throttle and audited as
    ``login.security_key`` failure): no or expired or replayed challenge, wrong origin or
    relying party, bad signature, a credential that is not one of this user's keys, a sign
    count that did not grow (a cloned key). :class:`SecurityKeyThrottled` while the growing
    delay of earlier failures runs (nothing is checked then).
    """
    return _check_assertion(
        request=request,
        user=user,
        credential=credential,
        purpose=AUTHENTICATE,
        action="login.security_key",
    )


def _check_assertion(
    *, request: HttpRequest, user: User, credential: str, purpose: str, action: str
) -> SecurityKey:
    """Verify an assertion answering this session's ``purpose`` challenge, inside the
    growing delay of the user's authenticator; failures and refusals audited as ``action``."""
    throttle = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if throttle is not None:
        allowed, _details = throttle.verify_is_allowed()
        if not allowed:
            take_challenge(request=request, user=user, purpose=purpose)
            _record(user=user, outcome=Outcome.DENIED, action=action)
            raise SecurityKeyThrottled
    try:
        return _verify_assertion(request=request, user=user, credential=credential, purpose=purpose)
    except SecurityKeyRefused:
        if throttle is not None:
            throttle.throttle_increment()
        _record(user=user, outcome=Outcome.FAILURE, action=action)
        raise


def _verify_assertion(
    *, request: HttpRequest, user: User, credential: str, purpose: str
) -> SecurityKey:
    challenge = take_challenge(request=request, user=user, purpose=purpose)
    try:
        party = relying_party(request)
    except CeremonyRefused:
        raise SecurityKeyRefused from None
    if challenge is None or not credential:
        raise SecurityKeyRefused
    try:
        answer = _json_object(credential)
        credential_id = bytes_to_base64url(base64url_to_bytes(str(answer["rawId"])))
    except MALFORMED:
        raise SecurityKeyRefused from None
    with transaction.atomic():
        key = (
            SecurityKey.objects.select_for_update()
            .filter(user=user, confirmed=True, credential_id=credential_id)
            .first()
        )
        if key is None:
            raise SecurityKeyRefused
        try:
            verified = verify_authentication_response(
                credential=answer,
                expected_challenge=challenge,
                expected_rp_id=party.rp_id,
                expected_origin=party.origin,
                credential_public_key=bytes(key.public_key),
                credential_current_sign_count=key.sign_count,
                require_user_verification=False,
            )
        except MALFORMED:
            raise SecurityKeyRefused from None
        if bytes_to_base64url(verified.credential_id) != key.credential_id:
            raise SecurityKeyRefused
        key.sign_count = verified.new_sign_count
        key.last_used_on = timezone.localdate()
        key.save(update_fields=["sign_count", "last_used_on"])
    return key


def do_complete_security_key_sign_in(*, request: HttpRequest, user: User, key: SecurityKey) -> None:
    """Mark the session verified with ``key`` exactly as a code does (django-otp), rotate
    the session key, count it as a recent authentication (SR-23), clear the throttle."""
    otp_login(request, key)
    request.session.cycle_key()
    mark_recently_authenticated(request)
    throttle = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if throttle is not None:
        throttle.throttle_reset()
    with transaction.atomic():
        _record(user=user, outcome=Outcome.SUCCESS)


# --- Re-authentication (SR-23) ----------------------------------------------------------


def reauthentication_options_json(*, request: HttpRequest, user: User) -> str | None:
    """Options for confirming it is you with a key (a challenge of its own purpose, so a
    sign-in answer does not confirm, nor the reverse); None as for the sign-in."""
    return authentication_options_json(request=request, user=user, purpose=REAUTHENTICATE)


def check_security_key_reauthentication(
    *, request: HttpRequest, user: User, password: str, credential: str
) -> SecurityKey:
    """The signed-in ``user``'s password and a security key again, before a sensitive step.

    The password goes through ``authenticate`` as in the code form (django-axes counts and
    locks: :class:`ReauthenticationLocked`); the key's answer through the same checks and
    growing delay as at sign-in, audited as ``login.reauthentication.security_key``. The
    challenge is used up whatever fails. A wrong password and a refused key give one
    message (:class:`SecurityKeyReauthenticationRefused`); which one failed is audited.
    """
    authenticated = authenticate(request, username=user.email, password=password)
    if getattr(request, "axes_locked_out", False):
        take_challenge(request=request, user=user, purpose=REAUTHENTICATE)
        raise ReauthenticationLocked
    if authenticated is None or authenticated.pk != user.pk:
        take_challenge(request=request, user=user, purpose=REAUTHENTICATE)
        _record(user=user, outcome=Outcome.FAILURE, action="login.reauthentication.password")
        raise SecurityKeyReauthenticationRefused
    try:
        return _check_assertion(
            request=request,
            user=user,
            credential=credential,
            purpose=REAUTHENTICATE,
            action="login.reauthentication.security_key",
        )
    except SecurityKeyRefused:
        raise SecurityKeyReauthenticationRefused from None


def do_reauthenticate_with_security_key(*, request: HttpRequest, user: User) -> None:
    """Count it as a full authentication just now (SR-23), audited as the code form's, and
    clear the growing delay as a right answer does."""
    throttle = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if throttle is not None:
        throttle.throttle_reset()
    with transaction.atomic():
        _record(user=user, outcome=Outcome.SUCCESS, action="login.reauthentication")
    mark_recently_authenticated(request)


def _record(*, user: User, outcome: Outcome, action: str = "login.security_key") -> None:
    record_audit_event(
        actor_ref=str(user.public_id),
        action=action,
        object_type="user",
        object_ref=str(user.public_id),
        outcome=outcome,
    )


def _json_object(text: str) -> dict[str, Any]:
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value

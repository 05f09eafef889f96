"""Every write of staff and organisation key material (SR-06, SR-07, SR-08).

Staff key pairs are enrolled when a password is first set (invitation acceptance), unlocked
at the password step of sign-in, re-wrapped on password change, and restored with the
personal recovery key on a reset. The organisation keeps only public keys; the case team's
private key exists only wrapped to each case-team member (:class:`TeamKeyCopy`).
"""

from collections.abc import Mapping

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from safepassage.accounts.errors import TwoFactorKeyMismatch
from safepassage.accounts.models import Authenticator, Membership, User, new_session_epoch
from safepassage.accounts.roles import Role
from safepassage.audit.actions import SYSTEM_ACTOR, Outcome, record_audit_event
from safepassage.cases.errors import (
    OrganisationKeysExist,
    RecoveryResetRefused,
    WrongPassword,
    WrongRecoveryKey,
)
from safepassage.cases.lock_objects import lock_staff_key_pair
from safepassage.cases.models import OrganisationKeyring, StaffKeyPair, TeamKeyCopy
from safepassage.core.crypto import (
    PRODUCTION_KDF_PARAMETERS,
    CryptoError,
    KdfParameters,
    KeyPair,
    PublicKey,
    change_password,
    enrol_user_keys,
    generate_key_pair,
    password_envelope_needs_rewrap,
    reset_password_with_recovery_key,
    unwrap_private_key_with_password,
    unwrap_private_key_with_recovery_key,
    unwrap_team_key,
    wrap_private_key_with_password,
    wrap_team_key_for_member,
)
from safepassage.organisations.models import Organisation

CASE_TEAM_ROLES = frozenset({Role.ADMIN.value, Role.CASEWORKER.value})


def kdf_parameters() -> KdfParameters:
    """Argon2id parameters for new password envelopes: production unless a test injects weak ones.

    ``settings.SAFEPASSAGE_KDF_PARAMETERS`` (a mapping of memory_kib, iterations,
    parallelism) exists only in tests; production never sets it.
    """
    configured: Mapping[str, int] | None = getattr(settings, "SAFEPASSAGE_KDF_PARAMETERS", None)
    if configured is None:
        return PRODUCTION_KDF_PARAMETERS
    return KdfParameters(**configured)


def _actor(user: User) -> str:
    return str(user.public_id)


def team_id(organisation: Organisation) -> str:
    return f"case-team:{organisation.public_id}"


def do_enrol_staff_keys(*, user: User, password: str) -> tuple[KeyPair, str]:
    """Create ``user``'s key pair; return it with the personal recovery key (show once).

    Also makes the user a holder of each organisation's case-team key where the user's role
    is in the case team and the team key does not exist yet (the first member creates it).
    Other organisations' team keys are shared later by a signed-in holder
    (:func:`do_share_team_keys`).
    """
    enrolment = enrol_user_keys(password=password, parameters=kdf_parameters())
    key_pair = unwrap_private_key_with_recovery_key(
        envelope=enrolment.recovery_envelope,
        personal_recovery_key=enrolment.personal_recovery_key,
    )
    with transaction.atomic():
        StaffKeyPair.objects.create(
            user=user,
            public_key=enrolment.public_key.raw,
            password_envelope=enrolment.password_envelope,
            recovery_envelope=enrolment.recovery_envelope,
            created_on=timezone.localdate(),
        )
        record_audit_event(
            actor_ref=_actor(user),
            action="keys.enrolled",
            object_type="user",
            object_ref=str(user.public_id),
        )
        _create_missing_team_keys(user=user, key_pair=key_pair)
    return key_pair, enrolment.personal_recovery_key


def _team_memberships(user: User) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user, role__in=CASE_TEAM_ROLES).select_related(
            "organisation__keyring"
        )
    )


def _create_missing_team_keys(*, user: User, key_pair: KeyPair) -> None:
    for membership in _team_memberships(user):
        keyring = getattr(membership.organisation, "keyring", None)
        if keyring is None or keyring.team_public_key is not None:
            continue
        team = generate_key_pair()
        keyring.team_public_key = team.public_key.raw
        keyring.save(update_fields=["team_public_key"])
        TeamKeyCopy.objects.create(
            organisation=membership.organisation,
            user=user,
            envelope=wrap_team_key_for_member(
                team_key_pair=team,
                team_id=team_id(membership.organisation),
                member=key_pair.public_key,
            ),
        )
        record_audit_event(
            actor_ref=_actor(user),
            action="keys.team_key_created",
            object_type="organisation",
            object_ref=str(membership.organisation.public_id),
            organisation_ref=str(membership.organisation.public_id),
        )


def unlock_staff_keys(*, user: User, password: str) -> KeyPair | None:
    """Open ``user``'s private key with the password just verified; None if there is none.

    Re-wraps with today's parameters when the envelope was made with weaker ones (SR-11), and
    lets the user share the team key with colleagues who joined since (:func:`do_share_team_keys`).
    """
    stored = StaffKeyPair.objects.filter(user=user).first()
    if stored is None:
        return None
    try:
        key_pair = unwrap_private_key_with_password(
            envelope=bytes(stored.password_envelope), password=password
        )
    except CryptoError:
        return None
    parameters = kdf_parameters()
    with transaction.atomic():
        if password_envelope_needs_rewrap(
            envelope=bytes(stored.password_envelope), parameters=parameters
        ):
            locked = lock_staff_key_pair(user_pk=user.pk)
            locked.password_envelope = wrap_private_key_with_password(
                key_pair=key_pair, password=password, parameters=parameters
            )
            locked.save(update_fields=["password_envelope"])
        do_share_team_keys(user=user, key_pair=key_pair)
    return key_pair


def do_share_team_keys(*, user: User, key_pair: KeyPair) -> int:
    """Wrap each team key ``user`` holds for case-team colleagues who lack it; return how many.

    Creates the team key where the organisation has none yet. Needs ``user``'s unlocked key
    pair: the server cannot do this alone.
    """
    shared = 0
    with transaction.atomic():
        _create_missing_team_keys(user=user, key_pair=key_pair)
        for copy in TeamKeyCopy.objects.filter(user=user).select_related("organisation__keyring"):
            organisation = copy.organisation
            keyring = organisation.keyring
            if keyring.team_public_key is None:
                continue
            team_public = PublicKey(raw=bytes(keyring.team_public_key))
            try:
                team = unwrap_team_key(
                    envelope=bytes(copy.envelope),
                    member_private_key=key_pair.private_key,
                    team_id=team_id(organisation),
                    team_public_key=team_public,
                )
            except CryptoError:
                continue
            colleagues = StaffKeyPair.objects.filter(
                user__memberships__organisation=organisation,
                user__memberships__role__in=CASE_TEAM_ROLES,
                user__is_active=True,
            ).exclude(user__team_key_copies__organisation=organisation)
            for colleague in colleagues:
                TeamKeyCopy.objects.create(
                    organisation=organisation,
                    user_id=colleague.user_id,
                    envelope=wrap_team_key_for_member(
                        team_key_pair=team,
                        team_id=team_id(organisation),
                        member=PublicKey(raw=bytes(colleague.public_key)),
                    ),
                )
                shared += 1
            if shared:
                record_audit_event(
                    actor_ref=_actor(user),
                    action="keys.team_key_shared",
                    object_type="organisation",
                    object_ref=str(organisation.public_id),
                    organisation_ref=str(organisation.public_id),
                )
    return shared


def check_change_password(*, user: User, old_password: str) -> None:
    if not user.check_password(old_password):
        raise WrongPassword


def do_change_password(*, user: User, old_password: str, new_password: str) -> None:
    """Set a new password and re-wrap the same private key under it (fresh salt)."""
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        if StaffKeyPair.objects.filter(user=user).exists():
            locked = lock_staff_key_pair(user_pk=user.pk)
            try:
                locked.password_envelope = change_password(
                    envelope=bytes(locked.password_envelope),
                    old_password=old_password,
                    new_password=new_password,
                    parameters=kdf_parameters(),
                )
            except CryptoError:
                raise WrongPassword from None
            locked.save(update_fields=["password_envelope"])
        record_audit_event(
            actor_ref=_actor(user),
            action="password.changed",
            object_type="user",
            object_ref=str(user.public_id),
        )


def check_reset_password_with_recovery_key(*, email: str, code: str) -> User:
    """The active user with a key pair whose authenticator accepts ``code``.

    Every failure raises the same :class:`RecoveryResetRefused` (SR-15); a failure for an
    existing account is audited against its id. The authenticator's own throttling applies.
    """
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None or not StaffKeyPair.objects.filter(user=user).exists():
        raise RecoveryResetRefused
    device = Authenticator.objects.filter(user=user, confirmed=True).first()
    token = code.strip().replace(" ", "")
    try:
        verified = device is not None and token.isdigit() and device.verify_token(token)
    except TwoFactorKeyMismatch:
        verified = False  # the server's two-factor key changed: refused, as any mismatch (SR-15)
    if not verified:
        with transaction.atomic():
            record_audit_event(
                actor_ref="anonymous",
                action="password.reset_with_recovery_key",
                object_type="user",
                object_ref=str(user.public_id),
                outcome=Outcome.FAILURE,
            )
        raise RecoveryResetRefused
    return user


def do_reset_password_with_recovery_key(
    *, user: User, personal_recovery_key: str, new_password: str
) -> None:
    """Reset without the old password: the personal recovery key re-opens the same key pair.

    Every session of the user ends (new session epoch).

    An e-mail reset alone restores nothing (SR-06); without the recovery key an organisation
    recovery holder must re-grant the user's cases to a new key pair.
    """
    with transaction.atomic():
        locked = lock_staff_key_pair(user_pk=user.pk)
        try:
            locked.password_envelope = reset_password_with_recovery_key(
                recovery_envelope=bytes(locked.recovery_envelope),
                personal_recovery_key=personal_recovery_key,
                new_password=new_password,
                parameters=kdf_parameters(),
            )
        except CryptoError:
            raise WrongRecoveryKey from None
        locked.save(update_fields=["password_envelope"])
        user.set_password(new_password)
        user.session_epoch = new_session_epoch()
        user.save(update_fields=["password", "session_epoch"])
        record_audit_event(
            actor_ref=_actor(user),
            action="password.reset_with_recovery_key",
            object_type="user",
            object_ref=str(user.public_id),
        )


def check_set_organisation_recovery_key(*, organisation: Organisation) -> None:
    if OrganisationKeyring.objects.filter(organisation=organisation).exists():
        raise OrganisationKeysExist


def do_set_organisation_recovery_key(
    *, organisation: Organisation, recovery_public_key: PublicKey
) -> OrganisationKeyring:
    """Store the organisation's recovery public key (the private half never reaches us)."""
    with transaction.atomic():
        keyring = OrganisationKeyring.objects.create(
            organisation=organisation, recovery_public_key=recovery_public_key.raw
        )
        record_audit_event(
            actor_ref=SYSTEM_ACTOR,
            action="keys.recovery_key_set",
            object_type="organisation",
            object_ref=str(organisation.public_id),
            organisation_ref=str(organisation.public_id),
        )
    return keyring


def do_lockdown() -> tuple[int, int]:
    """Emergency lockdown (SR-24): end every session and make every cached key unopenable.

    Deletes every stored session (staff and applicants) and gives every user a new session
    epoch, which is bound into the sealed private-key box of each session (SR-08), so a
    copy of an old session row and its ``sp-key`` cookie opens nothing either. Staff sign in
    again with password and code; nothing else changes. Returns (sessions ended, users).
    """
    with transaction.atomic():
        sessions, _ = Session.objects.all().delete()
        users = 0
        for user in User.objects.select_for_update().order_by("pk"):
            user.session_epoch = new_session_epoch()
            user.save(update_fields=["session_epoch"])
            users += 1
        record_audit_event(
            actor_ref=SYSTEM_ACTOR,
            action="site.lockdown",
            object_type="site",
            object_ref="all",
        )
    return sessions, users

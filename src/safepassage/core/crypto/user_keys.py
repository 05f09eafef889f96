"""Staff key pairs: wrapped under the password (Argon2id) and under a personal recovery key.

Every staff user with case access has an X25519 key pair (SR-06). The private key exists at
rest only in two envelopes:

* a ``PASSWORD_WRAP`` envelope, sealed under Argon2id(password, random 16-byte salt) with the
  Argon2id parameters, salt and public key in its authenticated header;
* a ``SECRET_WRAP`` envelope sealed under the *personal recovery key*, a random 256-bit key
  shown to the user once at enrolment and never stored.

A password change re-wraps (needs the old password). A reset without the old password needs
the personal recovery key; failing that, an organisation recovery holder re-grants the user's
cases to a new key pair (see :mod:`safepassage.core.crypto.group_keys`). An e-mail reset alone
restores nothing.
"""

from __future__ import annotations

import struct
import unicodedata
from dataclasses import dataclass, field

from nacl.encoding import RawEncoder
from nacl.hash import blake2b
from nacl.utils import random as random_bytes

from safepassage.core.crypto.envelope import (
    HEADER_LENGTH,
    EnvelopeHeader,
    EnvelopeKind,
    Reader,
    encode_context,
    parse_header,
)
from safepassage.core.crypto.errors import DecryptionError
from safepassage.core.crypto.kdf import (
    SALT_LENGTH,
    KdfParameters,
    derive_key,
    parameters_from_envelope,
)
from safepassage.core.crypto.keys import (
    KEY_LENGTH,
    KeyPair,
    PrivateKey,
    PublicKey,
    aead_decrypt,
    aead_encrypt,
    generate_key_pair,
)
from safepassage.core.crypto.printed_keys import decode_printed_key, encode_printed_key

PERSONAL_RECOVERY_PREFIX = "SPU"
_PASSWORD_PARAMETERS = struct.Struct(">IIB")
_PERSONAL_RECOVERY_PURPOSE = ("personal-recovery",)


def _password_bytes(password: str) -> bytes:
    # NFC so that the same password typed on two keyboards (composed or decomposed letters,
    # e.g. Russian "й") derives the same key.
    return unicodedata.normalize("NFC", password).encode("utf-8")


def _check_key_pair(*, private_raw: bytes, expected: PublicKey) -> KeyPair:
    if len(private_raw) != KEY_LENGTH:
        raise DecryptionError
    private_key = PrivateKey(raw=private_raw)
    if private_key.public_key() != expected:
        raise DecryptionError
    return KeyPair(public_key=expected, private_key=private_key)


def wrap_private_key_with_password(
    *, key_pair: KeyPair, password: str, parameters: KdfParameters, key_version: int = 1
) -> bytes:
    """Seal ``key_pair``'s private key under Argon2id(``password``) as a PASSWORD_WRAP envelope."""
    salt = random_bytes(SALT_LENGTH)
    prefix = (
        EnvelopeHeader.for_kind(kind=EnvelopeKind.PASSWORD_WRAP, key_version=key_version).to_bytes()
        + _PASSWORD_PARAMETERS.pack(
            parameters.memory_kib, parameters.iterations, parameters.parallelism
        )
        + salt
        + key_pair.public_key.raw
    )
    key = derive_key(secret=_password_bytes(password), salt=salt, parameters=parameters)
    return prefix + aead_encrypt(
        key=key, plaintext=key_pair.private_key.raw, associated_data=prefix
    )


@dataclass(frozen=True, kw_only=True)
class PasswordEnvelopeInfo:
    """The public facts in a PASSWORD_WRAP envelope's header."""

    public_key: PublicKey
    parameters: KdfParameters
    key_version: int


def read_password_envelope(envelope: bytes) -> PasswordEnvelopeInfo:
    """Read the public header of a PASSWORD_WRAP envelope without any secret."""
    header = parse_header(envelope, expected_kind=EnvelopeKind.PASSWORD_WRAP)
    reader = Reader(envelope, offset=HEADER_LENGTH)
    memory_kib, iterations, parallelism = _PASSWORD_PARAMETERS.unpack(
        reader.take(_PASSWORD_PARAMETERS.size)
    )
    reader.take(SALT_LENGTH)
    public_key = PublicKey(raw=reader.take(KEY_LENGTH))
    return PasswordEnvelopeInfo(
        public_key=public_key,
        parameters=parameters_from_envelope(
            memory_kib=memory_kib, iterations=iterations, parallelism=parallelism
        ),
        key_version=header.key_version,
    )


def unwrap_private_key_with_password(*, envelope: bytes, password: str) -> KeyPair:
    """Open a PASSWORD_WRAP envelope with the password; a wrong password is a DecryptionError.

    The Argon2id parameters come from the envelope (bounded, see
    :mod:`safepassage.core.crypto.kdf`), so envelopes made with older defaults keep working.
    """
    info = read_password_envelope(envelope)
    reader = Reader(envelope, offset=HEADER_LENGTH + _PASSWORD_PARAMETERS.size)
    salt = reader.take(SALT_LENGTH)
    reader.take(KEY_LENGTH)
    prefix = envelope[: reader.offset]
    key = derive_key(secret=_password_bytes(password), salt=salt, parameters=info.parameters)
    private_raw = aead_decrypt(key=key, sealed=reader.rest(), associated_data=prefix)
    return _check_key_pair(private_raw=private_raw, expected=info.public_key)


def password_envelope_needs_rewrap(*, envelope: bytes, parameters: KdfParameters) -> bool:
    """Whether the envelope was made with weaker parameters than ``parameters`` (SR-11).

    The Django layer calls this after a successful login and, if true, re-wraps with the
    password it has just seen.
    """
    return read_password_envelope(envelope).parameters.is_weaker_than(parameters)


def change_password(
    *, envelope: bytes, old_password: str, new_password: str, parameters: KdfParameters
) -> bytes:
    """Re-wrap the same private key under ``new_password`` (fresh salt); needs the old one."""
    key_pair = unwrap_private_key_with_password(envelope=envelope, password=old_password)
    version = read_password_envelope(envelope).key_version
    return wrap_private_key_with_password(
        key_pair=key_pair, password=new_password, parameters=parameters, key_version=version
    )


def _secret_wrap_key(secret: bytes) -> bytes:
    return blake2b(secret, digest_size=KEY_LENGTH, person=b"sp-secret-wrap", encoder=RawEncoder)


def wrap_private_key_with_secret(
    *, key_pair: KeyPair, secret: bytes, purpose: tuple[str, ...], key_version: int = 1
) -> bytes:
    """Seal ``key_pair`` under a high-entropy ``secret`` as a SECRET_WRAP envelope.

    For secrets that need no stretching: a personal recovery key (256 random bits) or a key
    already derived with Argon2id (a codename key). ``purpose`` is bound as associated data.
    """
    prefix = (
        EnvelopeHeader.for_kind(kind=EnvelopeKind.SECRET_WRAP, key_version=key_version).to_bytes()
        + key_pair.public_key.raw
    )
    return prefix + aead_encrypt(
        key=_secret_wrap_key(secret),
        plaintext=key_pair.private_key.raw,
        associated_data=prefix + encode_context(*purpose),
    )


def unwrap_private_key_with_secret(
    *, envelope: bytes, secret: bytes, purpose: tuple[str, ...]
) -> KeyPair:
    """Open a SECRET_WRAP envelope; wrong secret, purpose or any changed byte fails."""
    parse_header(envelope, expected_kind=EnvelopeKind.SECRET_WRAP)
    reader = Reader(envelope, offset=HEADER_LENGTH)
    public_key = PublicKey(raw=reader.take(KEY_LENGTH))
    prefix = envelope[: reader.offset]
    private_raw = aead_decrypt(
        key=_secret_wrap_key(secret),
        sealed=reader.rest(),
        associated_data=prefix + encode_context(*purpose),
    )
    return _check_key_pair(private_raw=private_raw, expected=public_key)


def generate_personal_recovery_key() -> str:
    """A new personal recovery key in printed form (``SPU-…``): show once, never store."""
    return encode_printed_key(prefix=PERSONAL_RECOVERY_PREFIX, payload=random_bytes(KEY_LENGTH))


def _personal_recovery_secret(personal_recovery_key: str) -> bytes:
    return decode_printed_key(
        prefix=PERSONAL_RECOVERY_PREFIX, text=personal_recovery_key, payload_length=KEY_LENGTH
    )


def wrap_private_key_with_recovery_key(
    *, key_pair: KeyPair, personal_recovery_key: str, key_version: int = 1
) -> bytes:
    """Seal ``key_pair`` under the user's personal recovery key (SECRET_WRAP)."""
    return wrap_private_key_with_secret(
        key_pair=key_pair,
        secret=_personal_recovery_secret(personal_recovery_key),
        purpose=_PERSONAL_RECOVERY_PURPOSE,
        key_version=key_version,
    )


def unwrap_private_key_with_recovery_key(*, envelope: bytes, personal_recovery_key: str) -> KeyPair:
    """Open the recovery envelope: a typo raises KeyFormatError, a wrong key DecryptionError."""
    return unwrap_private_key_with_secret(
        envelope=envelope,
        secret=_personal_recovery_secret(personal_recovery_key),
        purpose=_PERSONAL_RECOVERY_PURPOSE,
    )


def reset_password_with_recovery_key(
    *,
    recovery_envelope: bytes,
    personal_recovery_key: str,
    new_password: str,
    parameters: KdfParameters,
) -> bytes:
    """Password reset without the old password: returns a new PASSWORD_WRAP envelope.

    The old password envelope is simply replaced; the recovery envelope stays valid.
    """
    key_pair = unwrap_private_key_with_recovery_key(
        envelope=recovery_envelope, personal_recovery_key=personal_recovery_key
    )
    version = parse_header(recovery_envelope).key_version
    return wrap_private_key_with_password(
        key_pair=key_pair, password=new_password, parameters=parameters, key_version=version
    )


@dataclass(frozen=True, kw_only=True)
class UserKeyEnrolment:
    """What enrolling a staff user produces.

    Store ``public_key``, ``password_envelope`` and ``recovery_envelope``; show
    ``personal_recovery_key`` to the user exactly once and then drop it.
    """

    public_key: PublicKey
    password_envelope: bytes
    recovery_envelope: bytes
    personal_recovery_key: str = field(repr=False)


def enrol_user_keys(
    *, password: str, parameters: KdfParameters, key_version: int = 1
) -> UserKeyEnrolment:
    """Create a staff user's key pair and both envelopes (SR-06)."""
    key_pair = generate_key_pair()
    personal_recovery_key = generate_personal_recovery_key()
    return UserKeyEnrolment(
        public_key=key_pair.public_key,
        password_envelope=wrap_private_key_with_password(
            key_pair=key_pair, password=password, parameters=parameters, key_version=key_version
        ),
        recovery_envelope=wrap_private_key_with_recovery_key(
            key_pair=key_pair,
            personal_recovery_key=personal_recovery_key,
            key_version=key_version,
        ),
        personal_recovery_key=personal_recovery_key,
    )

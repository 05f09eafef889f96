"""Typed errors of the crypto core.

Every failure to open something (a flipped byte, a wrong key, a ciphertext moved to another
row, a truncated stream, an unknown envelope version) raises :class:`DecryptionError` with the
same generic message, so callers cannot learn which part failed and no partial plaintext is
ever returned.
"""

from __future__ import annotations


class CryptoError(Exception):
    """Base class of every error raised by :mod:`safepassage.core.crypto`."""

    code = "crypto_error"


class DecryptionError(CryptoError):
    """Something could not be opened: wrong key, tampered or transplanted data, bad format."""

    code = "decryption_failed"

    def __init__(self, message: str = "decryption failed") -> None:
        super().__init__(message)


class UnsupportedEnvelopeError(DecryptionError):
    """The envelope names a format version, kind or algorithm this code does not know.

    A subclass of :class:`DecryptionError` so that callers who only care whether data opened
    need catch one class; callers planning a migration may catch this one specifically. The
    version, kind and algorithm are public header fields, so naming them leaks nothing.
    """

    code = "unsupported_envelope"


class WeakParametersError(CryptoError):
    """Key-derivation parameters are below what production requires, or absurdly large."""

    code = "weak_kdf_parameters"


class KeyFormatError(CryptoError):
    """A key, recovery key or share typed in by a person is malformed or mistyped."""

    code = "key_format"


class RecoveryShareError(CryptoError):
    """Recovery shares do not combine: too few, duplicated, mixed, or not the expected key."""

    code = "recovery_shares"


class CodenameError(CryptoError):
    """A word list or codename does not meet SR-14."""

    code = "codename"

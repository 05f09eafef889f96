"""Codename secrets: peppers from the environment and a bound on Argon2id work (SR-14, SR-16).

The two 32-byte peppers (``SAFEPASSAGE_CODENAME_LOOKUP_PEPPER`` and
``SAFEPASSAGE_CODENAME_KEY_PEPPER``, 64 hex characters each) live in the server's environment,
never in the database or its backups, so a database copy alone cannot even test a guessed
codename. Production refuses to derive without them; development derives stand-ins from
``SECRET_KEY``. Each derivation costs one Argon2id run (64 MiB, t = 3 in production); at most
``CONCURRENT_DERIVATIONS`` run at once per process, so a burst of requests queues instead of
exhausting memory.
"""

import logging
import os
import threading

from django.conf import settings
from nacl.encoding import RawEncoder
from nacl.hash import blake2b

from safepassage.cases.key_actions import kdf_parameters
from safepassage.core.crypto import (
    CodenamePeppers,
    CodenameSecrets,
    CryptoError,
    derive_codename_secrets,
)
from safepassage.intake.errors import PeppersMissing

LOOKUP_PEPPER_VARIABLE = "SAFEPASSAGE_CODENAME_LOOKUP_PEPPER"
KEY_PEPPER_VARIABLE = "SAFEPASSAGE_CODENAME_KEY_PEPPER"  # a variable's name
CONCURRENT_DERIVATIONS = 2
_NAMES = (LOOKUP_PEPPER_VARIABLE, KEY_PEPPER_VARIABLE)

_derivations = threading.BoundedSemaphore(CONCURRENT_DERIVATIONS)
logger = logging.getLogger(__name__)


def _development_pepper(person: bytes) -> bytes:
    return blake2b(
        str(settings.SECRET_KEY).encode("utf-8"),
        digest_size=32,
        person=person,
        encoder=RawEncoder,
    )


def codename_peppers() -> CodenamePeppers:
    """The peppers from the environment; development stand-ins outside production."""
    lookup, key = os.environ.get(LOOKUP_PEPPER_VARIABLE), os.environ.get(KEY_PEPPER_VARIABLE)
    if lookup and key:
        try:
            return CodenamePeppers(lookup=bytes.fromhex(lookup), key=bytes.fromhex(key))
        except (ValueError, CryptoError):
            logger.error("%s and %s must be two different 64-character hex values", *_NAMES)
            raise PeppersMissing from None
    if getattr(settings, "PRODUCTION", False):
        logger.error("%s and %s are not set: intake and codename sign-in refused", *_NAMES)
        raise PeppersMissing
    return CodenamePeppers(
        lookup=_development_pepper(b"sp-dev-lookup"), key=_development_pepper(b"sp-dev-key")
    )


def derive_secrets(*, codename: str) -> CodenameSecrets:
    """Lookup id and codename key of ``codename``; one bounded Argon2id run."""
    peppers = codename_peppers()
    with _derivations:
        return derive_codename_secrets(
            codename=codename, peppers=peppers, parameters=kdf_parameters()
        )

"""Applicant codenames (SR-14): generation and Argon2id derivation of lookup id and key.

A codename is chosen by the server: at least seven words drawn uniformly (``secrets``) from a
list of at least 7,776 words, so at least 90 bits. It is shown to the applicant and never
stored. From it, with one Argon2id call and two peppers kept outside the database, the server
derives

* a *lookup id* (hex) stored in the applicant row to find it at the next visit, and
* a *codename key* that unwraps the applicant's private key (see
  :func:`safepassage.core.crypto.intake.create_applicant_keys`).

The two outputs come from the same stretched value under different BLAKE2b keys, so the
stored lookup id says nothing about the key. The peppers live in the environment, not the
database, so a database copy alone does not even allow testing a guessed codename.

The Argon2id parameters for codenames must stay fixed for a deployment (the lookup has to
find the row before any stored parameters could be read); see ``docs/security/encryption.md``.
"""

from __future__ import annotations

import math
import secrets
import unicodedata
from dataclasses import dataclass, field

from nacl.encoding import RawEncoder
from nacl.hash import blake2b

from safepassage.core.crypto.errors import CodenameError
from safepassage.core.crypto.kdf import SALT_LENGTH, KdfParameters, derive_key

MINIMUM_WORD_LIST_LENGTH = 7776
MINIMUM_CODENAME_WORDS = 7
MINIMUM_CODENAME_BITS = 90.0
PEPPER_LENGTH = 32
_STRETCHED_LENGTH = 64


def normalise_word(word: str) -> str:
    """NFKC and case-folded: the form stored in lists and compared when typed back."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", word).casefold())


def normalise_codename(text: str) -> str:
    """Normalise a typed codename: NFKC, case-folded, words separated by single spaces.

    The whole text is normalised before splitting, because NFKC can itself produce spaces
    (U+00A8 becomes a space and a combining diaeresis).
    """
    return " ".join(normalise_word(text).split())


@dataclass(frozen=True, kw_only=True)
class WordList:
    """A list of distinct words for codenames (e.g. English, Russian, Latin-script Russian).

    Words must already be in normal form (:func:`normalise_word`) and contain no whitespace,
    so that what the server shows is exactly what the applicant types back.
    """

    name: str
    words: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.words) < MINIMUM_WORD_LIST_LENGTH:
            msg = f"a codename word list needs at least {MINIMUM_WORD_LIST_LENGTH} words"
            raise CodenameError(msg)
        if len(set(self.words)) != len(self.words):
            msg = "a codename word list must not repeat words"
            raise CodenameError(msg)
        for word in self.words:
            if (
                not word
                or word != normalise_word(word)
                or len(word.split()) != 1
                or word != word.strip()
            ):
                msg = "codename words must be single, non-empty, normalised words"
                raise CodenameError(msg)

    @property
    def bits_per_word(self) -> float:
        """Entropy contributed by one uniformly chosen word."""
        return math.log2(len(self.words))

    def contains_codename(self, text: str) -> bool:
        """Whether every word of the (normalised) ``text`` is in this list; for form feedback."""
        known = frozenset(self.words)
        words = normalise_codename(text).split()
        return bool(words) and all(word in known for word in words)


def word_list_from_text(*, name: str, text: str) -> WordList:
    """Build a :class:`WordList` from a file's text: one word per line.

    Lines may carry dice numbers first, as in the EFF lists (``11111<TAB>abacus``); the last
    whitespace-separated item of each non-empty line is the word, normalised.
    """
    words = tuple(normalise_word(line.split()[-1]) for line in text.splitlines() if line.strip())
    return WordList(name=name, words=words)


def generate_codename(*, word_list: WordList, word_count: int = MINIMUM_CODENAME_WORDS) -> str:
    """Draw ``word_count`` words uniformly with ``secrets``; refuses fewer than 90 bits."""
    if (
        word_count < MINIMUM_CODENAME_WORDS
        or word_count * word_list.bits_per_word < MINIMUM_CODENAME_BITS
    ):
        msg = "a codename needs at least seven words and 90 bits"
        raise CodenameError(msg)
    return " ".join(secrets.choice(word_list.words) for _ in range(word_count))


@dataclass(frozen=True, kw_only=True)
class CodenamePeppers:
    """Two 32-byte secrets kept outside the database (environment / secret store)."""

    lookup: bytes = field(repr=False)
    key: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.lookup) != PEPPER_LENGTH or len(self.key) != PEPPER_LENGTH:
            msg = "each pepper is 32 bytes"
            raise CodenameError(msg)
        if self.lookup == self.key:
            msg = "the two peppers must differ"
            raise CodenameError(msg)


@dataclass(frozen=True, kw_only=True)
class CodenameSecrets:
    """What a codename yields: a storable lookup id and a key that is never stored."""

    lookup_id: str
    key: bytes = field(repr=False)


def derive_codename_secrets(
    *, codename: str, peppers: CodenamePeppers, parameters: KdfParameters
) -> CodenameSecrets:
    """One Argon2id call over the normalised codename, then two keyed BLAKE2b outputs.

    The Argon2id salt is itself derived from the lookup pepper, so it is fixed per deployment
    (the derivation must be deterministic to find the row) yet unknown to whoever holds only
    the database.
    """
    normalised = normalise_codename(codename)
    if not normalised:
        msg = "empty codename"
        raise CodenameError(msg)
    salt = blake2b(
        b"codename-salt",
        digest_size=SALT_LENGTH,
        key=peppers.lookup,
        person=b"sp-codename-salt",
        encoder=RawEncoder,
    )
    stretched = derive_key(
        secret=normalised.encode("utf-8"),
        salt=salt,
        parameters=parameters,
        length=_STRETCHED_LENGTH,
    )
    lookup_id = blake2b(
        stretched, digest_size=32, key=peppers.lookup, person=b"sp-codename-id", encoder=RawEncoder
    ).hex()
    key = blake2b(
        stretched, digest_size=32, key=peppers.key, person=b"sp-codename-key", encoder=RawEncoder
    )
    return CodenameSecrets(lookup_id=lookup_id, key=key)

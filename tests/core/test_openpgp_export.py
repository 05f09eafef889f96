"""OpenPGP passphrase encryption of exports (SR-29), opened with the real ``/usr/bin/gpg``."""

import hashlib
import itertools
import random
from collections.abc import Iterator

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safepassage.core.openpgp_export import (
    CHUNK_BYTES,
    MAXIMUM_S2K_COUNT_BYTE,
    derive_key,
    encrypt_bytes,
    encrypt_stream,
    s2k_count,
)
from tests.exports.gpg import gpg_decrypt, open_export

PASSPHRASE = "lantern-quietly-orbit-27-marsh"  # a test passphrase
FAST = 0x10  # a small S2K count keeps the many Hypothesis round trips quick


def test_gpg_opens_a_small_file_and_reports_aes_256_with_a_passphrase() -> None:
    # Given a short CSV encrypted for a passphrase
    message = encrypt_bytes(b"a,b\r\n1,2\r\n", passphrase=PASSPHRASE, filename="gifts.csv")

    # When gpg decrypts it
    decrypted = gpg_decrypt(message, passphrase=PASSPHRASE)

    # Then it is the file, opened as AES-256 with one passphrase
    assert decrypted.returncode == 0, decrypted.messages
    assert decrypted.plaintext == b"a,b\r\n1,2\r\n"
    assert "AES256" in decrypted.messages
    assert "encrypted with 1 passphrase" in decrypted.messages


def test_the_key_packet_asks_for_aes_256_and_the_strongest_iterated_salted_sha_256() -> None:
    # When a file is encrypted
    message = encrypt_bytes(b"x", passphrase=PASSPHRASE, filename="x.csv")

    # Then it opens with a v4 SKESK: AES-256, S2K type 3, SHA-256, a salt, count 65,011,712
    tag, length, version, cipher, s2k, hash_algorithm = message[:6]
    assert (tag, length, version, cipher, s2k, hash_algorithm) == (0xC3, 13, 4, 9, 3, 8)
    assert message[14] == MAXIMUM_S2K_COUNT_BYTE
    assert s2k_count(MAXIMUM_S2K_COUNT_BYTE) == 65_011_712
    # followed by a SEIPD packet (tag 18) of version 1
    assert message[15] == 0xC0 | 18


def test_two_encryptions_of_the_same_file_share_nothing() -> None:
    # When the same file is encrypted twice with the same passphrase
    first = encrypt_bytes(b"same", passphrase=PASSPHRASE, filename="a.csv", modified=0)
    second = encrypt_bytes(b"same", passphrase=PASSPHRASE, filename="a.csv", modified=0)

    # Then the salts (and so keys) and the ciphertexts differ
    assert first[6:14] != second[6:14]
    assert first[15:] != second[15:]


def test_the_s2k_matches_the_rfc_definition() -> None:
    # Given a salt and a passphrase
    salt, passphrase = b"\x01\x02\x03\x04\x05\x06\x07\x08", b"p\xc3\xa4ss"
    # When the key is derived with coded count 0x60 (65,536 bytes)
    key = derive_key(passphrase=passphrase, salt=salt, coded_count=0x60)
    # Then it is SHA-256 over salt||passphrase repeated and cut at exactly that many bytes
    unit = salt + passphrase
    hashed = (unit * (65_536 // len(unit) + 1))[:65_536]
    assert key == hashlib.sha256(hashed).digest()


def _pieces(total: int, seed: int) -> Iterator[bytes]:
    generator = random.Random(seed)  # test data, not a secret
    left = total
    while left:
        size = min(left, generator.randint(1, 1 << 20))
        left -= size
        yield generator.randbytes(size)


def test_a_large_export_streams_and_gpg_opens_it() -> None:
    # Given 24 MiB produced a piece at a time
    total = 24 * 1024 * 1024 + 12_345
    consumed = 0

    def source() -> Iterator[bytes]:
        nonlocal consumed
        for piece in _pieces(total, seed=7):
            consumed += len(piece)
            yield piece

    # When it is encrypted as a stream
    stream = encrypt_stream(source(), passphrase=PASSPHRASE, filename="pledges.csv")
    first = next(stream)
    second = next(stream)

    # Then the first bytes go out before the source is read to its end
    assert consumed < total
    out = [first, second, *stream]
    # and no piece handed out is larger than one chunk and its headers
    assert max(len(piece) for piece in out) <= CHUNK_BYTES + 16
    # and gpg opens the whole of it
    plaintext = open_export(b"".join(out), passphrase=PASSPHRASE)
    assert len(plaintext) == total
    expected = hashlib.sha256(b"".join(_pieces(total, seed=7))).digest()
    assert hashlib.sha256(plaintext).digest() == expected


def test_a_wrong_passphrase_opens_nothing() -> None:
    # Given an export
    message = encrypt_bytes(b"secret,row\r\n", passphrase=PASSPHRASE, filename="a.csv")

    # When gpg is given another passphrase
    decrypted = gpg_decrypt(message, passphrase=PASSPHRASE + "!")

    # Then it fails and shows nothing
    assert decrypted.returncode != 0
    assert b"secret" not in decrypted.plaintext


def test_a_flipped_byte_is_reported_as_manipulated() -> None:
    # Given an export of a few chunks with one bit changed in the middle of the ciphertext
    data = random.Random(3).randbytes(3 * CHUNK_BYTES)  # test data
    message = bytearray(encrypt_bytes(data, passphrase=PASSPHRASE, filename="a.csv"))
    message[len(message) // 2] ^= 0x01

    # When gpg decrypts it
    decrypted = gpg_decrypt(bytes(message), passphrase=PASSPHRASE)

    # Then the integrity check (MDC) fails and gpg exits non-zero
    assert decrypted.returncode != 0
    assert "manipulated" in decrypted.messages


def test_a_flipped_byte_in_the_last_bytes_is_reported_too() -> None:
    # Given a one-packet export whose MDC itself is changed
    message = bytearray(encrypt_bytes(b"short", passphrase=PASSPHRASE, filename="a.csv"))
    message[-3] ^= 0x80

    # Then gpg refuses it
    decrypted = gpg_decrypt(bytes(message), passphrase=PASSPHRASE)
    assert decrypted.returncode != 0
    assert "manipulated" in decrypted.messages


def test_a_cut_off_export_is_refused() -> None:
    # Given an export that lost its end (an interrupted download)
    data = random.Random(4).randbytes(2 * CHUNK_BYTES + 100)  # test data
    message = encrypt_bytes(data, passphrase=PASSPHRASE, filename="a.csv")

    # Then gpg does not report success
    assert gpg_decrypt(message[:-40], passphrase=PASSPHRASE).returncode != 0


# Sizes around the chunk boundaries of the literal packet (its header is 11 bytes for a
# five-letter name) and of the encrypted packet (prefix 18, version 1, headers).
NEAR_BOUNDARIES = st.sampled_from([0, 1, CHUNK_BYTES, 2 * CHUNK_BYTES]).flatmap(
    lambda base: st.integers(min_value=max(0, base - 64), max_value=base + 64)
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    size=st.one_of(NEAR_BOUNDARIES, st.integers(min_value=0, max_value=3 * CHUNK_BYTES)),
    seed=st.integers(min_value=0, max_value=2**32),
    cuts=st.lists(st.integers(min_value=0, max_value=3 * CHUNK_BYTES + 64), max_size=6),
    # What can be typed: gpg reads the passphrase as a line of text (no NUL, no line break).
    passphrase=st.text(
        alphabet=st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=40
    ),
)
def test_gpg_opens_any_bytes_of_any_size_however_they_are_cut(
    size: int, seed: int, cuts: list[int], passphrase: str
) -> None:
    # Given arbitrary bytes of a size near or across the chunk boundaries, in arbitrary pieces
    data = random.Random(seed).randbytes(size)  # test data
    edges = sorted({0, size, *(cut for cut in cuts if cut <= size)})
    pieces = [data[start:end] for start, end in itertools.pairwise(edges)]

    # When they are encrypted as a stream
    message = b"".join(
        encrypt_stream(pieces, passphrase=passphrase, filename="t.csv", coded_count=FAST)
    )

    # Then gpg gives back exactly those bytes
    assert open_export(message, passphrase=passphrase) == data


@settings(max_examples=30, deadline=None)
@given(
    data=st.binary(max_size=2048),
    filename=st.text(min_size=1, max_size=300),
    modified=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_any_name_and_date_in_the_literal_packet_still_opens(
    data: bytes, filename: str, modified: int
) -> None:
    # Given any file name (cut to 255 bytes inside the message) and date
    message = encrypt_bytes(
        data, passphrase=PASSPHRASE, filename=filename, coded_count=FAST, modified=modified
    )
    # Then the message opens to the data
    assert open_export(message, passphrase=PASSPHRASE) == data
    # and its SEIPD length header is well-formed (the tag follows the 15-byte SKESK)
    assert message[15] == 0xD2

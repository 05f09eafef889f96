"""SR-09: streamed file encryption with a per-file key and padded sizes."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safepassage.core.crypto import (
    DecryptionError,
    FieldContext,
    FileEncryptor,
    SensitiveGroup,
    decrypt_file,
    decrypt_file_stream,
    encrypt_file,
    encrypt_file_stream,
    generate_file_key,
    generate_group_key,
    open_file_key,
    seal_file_key,
)
from safepassage.core.crypto.files import padded_chunk_count, padme

CHUNK = 1024
CONTEXT = FieldContext(model="cases.Document", field="file", row_id="doc-1")
KEY = generate_file_key()


@settings(max_examples=40, deadline=None)
@given(data=st.binary(max_size=5000), split=st.integers(min_value=1, max_value=700))
def test_round_trip_with_arbitrary_piece_sizes(data, split):
    pieces = [data[i : i + split] for i in range(0, len(data), split)]
    encrypted = b"".join(
        encrypt_file_stream(key=KEY, context=CONTEXT, chunks=pieces, chunk_size=CHUNK)
    )
    cut = [encrypted[i : i + split + 3] for i in range(0, len(encrypted), split + 3)]

    assert b"".join(decrypt_file_stream(key=KEY, context=CONTEXT, chunks=cut)) == data


@pytest.mark.parametrize("size", [0, 1, CHUNK - 5, CHUNK - 4, CHUNK - 3, 3 * CHUNK, 20 * CHUNK])
def test_boundaries_round_trip(size):
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)

    envelope = encrypt_file(key=KEY, context=CONTEXT, plaintext=data, chunk_size=CHUNK)

    assert decrypt_file(key=KEY, context=CONTEXT, envelope=envelope) == data


def test_sizes_are_padded():
    small = encrypt_file(key=KEY, context=CONTEXT, plaintext=b"x", chunk_size=CHUNK)
    also_small = encrypt_file(key=KEY, context=CONTEXT, plaintext=b"x" * 1000, chunk_size=CHUNK)
    sizes = {
        len(encrypt_file(key=KEY, context=CONTEXT, plaintext=b"x" * n, chunk_size=CHUNK))
        for n in range(9 * CHUNK, 10 * CHUNK, 97)
    }

    assert len(small) == len(also_small)
    assert len(sizes) == 1  # every size in that range looks the same
    assert padded_chunk_count(9 * CHUNK, chunk_size=CHUNK) == padme(10)


def test_padme_overhead_is_bounded():
    for length in range(1, 5000):
        padded = padme(length)
        assert length <= padded <= length * 1.13 + 1


def test_plaintext_does_not_appear():
    envelope = encrypt_file(
        key=KEY, context=CONTEXT, plaintext=b"PASSPORT " * 500, chunk_size=CHUNK
    )

    assert b"PASSPORT" not in envelope


@pytest.mark.parametrize("position", [0, 5, 9, 13, 40, 1100, -1])
def test_a_flipped_byte_fails(position):
    envelope = bytearray(
        encrypt_file(key=KEY, context=CONTEXT, plaintext=b"a" * 3000, chunk_size=CHUNK)
    )
    envelope[position] ^= 0x01

    with pytest.raises(DecryptionError):
        decrypt_file(key=KEY, context=CONTEXT, envelope=bytes(envelope))


def test_truncation_and_trailing_bytes_fail():
    envelope = encrypt_file(key=KEY, context=CONTEXT, plaintext=b"a" * 3000, chunk_size=CHUNK)
    sealed_chunk = CHUNK + 17

    with pytest.raises(DecryptionError):
        decrypt_file(key=KEY, context=CONTEXT, envelope=envelope[:-sealed_chunk])
    with pytest.raises(DecryptionError):
        decrypt_file(key=KEY, context=CONTEXT, envelope=envelope + b"\x00")
    with pytest.raises(DecryptionError):
        decrypt_file(key=KEY, context=CONTEXT, envelope=envelope[:20])


def test_swapped_chunks_fail():
    envelope = encrypt_file(key=KEY, context=CONTEXT, plaintext=b"a" * 3000, chunk_size=CHUNK)
    prefix, sealed_chunk = 9 + 4 + 24, CHUNK + 17
    first = envelope[prefix : prefix + sealed_chunk]
    second = envelope[prefix + sealed_chunk : prefix + 2 * sealed_chunk]
    swapped = envelope[:prefix] + second + first + envelope[prefix + 2 * sealed_chunk :]

    with pytest.raises(DecryptionError):
        decrypt_file(key=KEY, context=CONTEXT, envelope=swapped)


def test_wrong_key_or_other_row_fails():
    envelope = encrypt_file(key=KEY, context=CONTEXT, plaintext=b"scan", chunk_size=CHUNK)

    with pytest.raises(DecryptionError):
        decrypt_file(key=generate_file_key(), context=CONTEXT, envelope=envelope)
    other_row = FieldContext(model="cases.Document", field="file", row_id="doc-2")
    with pytest.raises(DecryptionError):
        decrypt_file(key=KEY, context=other_row, envelope=envelope)


def test_incremental_encryptor_matches_the_upload_handler_flow():
    encryptor = FileEncryptor(key=KEY, context=CONTEXT, chunk_size=CHUNK)
    parts = [encryptor.start(), encryptor.update(b"a" * 1500), encryptor.update(b"b" * 10)]
    parts.append(encryptor.finish())

    assert decrypt_file(key=KEY, context=CONTEXT, envelope=b"".join(parts)) == (
        b"a" * 1500 + b"b" * 10
    )
    with pytest.raises(RuntimeError):
        encryptor.update(b"more")


def test_file_key_is_sealed_under_the_documents_group_key():
    documents = generate_group_key(case_id="case-a", group=SensitiveGroup.DOCUMENTS)
    identity = generate_group_key(case_id="case-a", group=SensitiveGroup.IDENTITY)
    file_key = generate_file_key()

    sealed = seal_file_key(group_key=documents, context=CONTEXT, file_key=file_key)

    assert open_file_key(group_key=documents, context=CONTEXT, envelope=sealed) == file_key
    with pytest.raises(ValueError, match="documents"):
        seal_file_key(group_key=identity, context=CONTEXT, file_key=file_key)
    other_row = FieldContext(model="cases.Document", field="file", row_id="doc-2")
    with pytest.raises(DecryptionError):
        open_file_key(group_key=documents, context=other_row, envelope=sealed)

"""The encrypted backup archive format (SR-36): what is written opens only with the
recipient's private key, and only whole and unchanged."""

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safepassage.core.backup_archive import (
    ArchiveReader,
    ArchiveWriter,
    BackupHeader,
    BackupKeyError,
    BackupPrivateKey,
    DamagedBackup,
    WrongBackupKey,
    generate_backup_key,
    parse_backup_private_key,
    parse_backup_public_key,
    read_header,
)

KEY = generate_backup_key()
HEADER = BackupHeader(
    backup_id="00000000-0000-4000-8000-000000000001",
    created="2026-11-25T12:00:00+00:00",
    database_engine="sqlite",
    database_bytes=10,
    file_count=2,
    file_bytes=20,
)


def _archive(payload: bytes, *, key: BackupPrivateKey = KEY, chunk_size: int = 64) -> bytes:
    out = io.BytesIO()
    writer = ArchiveWriter(out=out, recipient=key.public_key, header=HEADER, chunk_size=chunk_size)
    for start in range(0, len(payload), 7):  # written in small pieces, as tarfile does
        writer.write(payload[start : start + 7])
    writer.close()
    return out.getvalue()


def _open(archive: bytes, *, key: BackupPrivateKey = KEY) -> bytes:
    reader = ArchiveReader(source=io.BytesIO(archive), identity=key)
    data = reader.read()
    assert reader.finished
    return data


@given(payload=st.binary(max_size=2000), chunk_size=st.integers(min_value=1, max_value=300))
def test_what_is_written_reads_back_whole(payload: bytes, chunk_size: int) -> None:
    # Given a payload written in pieces into an archive with any chunk size
    archive = _archive(payload, chunk_size=chunk_size)

    # When the recipient reads it back, Then it is the same bytes
    assert _open(archive) == payload


def test_the_clear_header_says_what_the_file_is_and_names_no_secret() -> None:
    # Given an archive
    archive = _archive(b"secret payload " * 20)

    # When its header is read without any key
    header, _prefix = read_header(io.BytesIO(archive))

    # Then it gives the sizes, time and recipient fingerprint, and the payload is not in clear
    assert header.created == HEADER.created
    assert header.database_bytes == 10
    assert header.file_count == 2
    assert header.recipient == KEY.public_key.fingerprint
    assert b"secret payload" not in archive


def test_every_flipped_byte_is_refused() -> None:
    # Given an archive of several chunks
    archive = _archive(bytes(range(256)) * 2, chunk_size=100)

    # When any single byte is flipped, Then reading it is refused as a backup error
    for position in range(len(archive)):
        changed = bytearray(archive)
        changed[position] ^= 0x01
        with pytest.raises((DamagedBackup, WrongBackupKey)):
            _open(bytes(changed))


def test_a_cut_short_archive_is_refused_at_every_length() -> None:
    # Given an archive
    archive = _archive(b"x" * 500, chunk_size=100)

    # When it is cut at any length, Then it is refused, never read as complete
    for length in range(len(archive)):
        with pytest.raises(DamagedBackup):
            _open(archive[:length])


def test_bytes_after_the_end_are_refused() -> None:
    with pytest.raises(DamagedBackup, match="extra data"):
        _open(_archive(b"payload") + b"\x00")


def test_another_key_is_refused_with_both_fingerprints() -> None:
    # Given an archive for one recipient and another private key
    other = generate_backup_key()

    # When the other key opens it, Then it is refused naming whose key it needs
    with pytest.raises(WrongBackupKey, match=KEY.public_key.fingerprint):
        _open(_archive(b"payload"), key=other)


def test_a_file_that_is_no_backup_is_refused() -> None:
    with pytest.raises(DamagedBackup, match="not a SafePassage backup"):
        _open(b"SQLite format 3\x00" + b"\x00" * 100)


def test_key_texts_round_trip_and_a_typing_error_is_caught() -> None:
    # Given a key pair's texts
    private_text = KEY.text()
    public_text = KEY.public_key.text()

    # When they are parsed back (with comment lines around), Then they are the same keys
    assert parse_backup_private_key(f"# comment\n{private_text}\n").raw == KEY.raw
    assert parse_backup_public_key(public_text).raw == KEY.public_key.raw

    # and one changed character fails the checksum
    typo = private_text[:-12] + ("0" if private_text[-12] != "0" else "1") + private_text[-11:]
    with pytest.raises(BackupKeyError, match="checksum"):
        parse_backup_private_key(typo)
    # and the public key given where the private key is needed says so
    with pytest.raises(BackupKeyError, match="public key"):
        parse_backup_private_key(public_text)


def test_a_payload_of_several_default_chunks_reads_back_in_small_reads() -> None:
    # Given a payload larger than three default chunks, written with the default chunk size
    payload = bytes(range(256)) * (3 * 4096 + 17)
    out = io.BytesIO()
    writer = ArchiveWriter(out=out, recipient=KEY.public_key, header=HEADER)
    writer.write(payload)
    writer.close()

    # When it is read back 10 KiB at a time, as tarfile reads
    reader = ArchiveReader(source=io.BytesIO(out.getvalue()), identity=KEY)
    parts = []
    while part := reader.read(10240):
        parts.append(part)

    # Then it is whole and the end was authenticated
    assert b"".join(parts) == payload
    assert reader.finished

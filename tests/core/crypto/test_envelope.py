"""SR-11: the versioned, self-describing envelope format."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safepassage.core.crypto import (
    Algorithm,
    DecryptionError,
    EnvelopeHeader,
    EnvelopeKind,
    GroupKey,
    UnsupportedEnvelopeError,
    envelope_from_text,
    envelope_to_text,
    open_field,
    parse_header,
    seal_field,
)


@pytest.mark.parametrize("kind", list(EnvelopeKind))
def test_header_round_trips_for_every_kind(kind):
    header = EnvelopeHeader.for_kind(kind=kind, key_version=7)

    parsed = parse_header(header.to_bytes() + b"body")

    assert parsed == header
    assert parsed.format_version == 1


def test_header_layout_is_magic_version_kind_algorithm_key_version():
    header = EnvelopeHeader.for_kind(kind=EnvelopeKind.FIELD, key_version=258).to_bytes()

    assert header == b"SP\x01\x01\x01\x00\x00\x01\x02"


def test_field_envelope_records_algorithm_and_key_version(identity_key, name_context):
    envelope = seal_field(key=identity_key, context=name_context, plaintext=b"x")

    header = parse_header(envelope)

    assert header.kind is EnvelopeKind.FIELD
    assert header.algorithm is Algorithm.XCHACHA20_POLY1305
    assert header.key_version == identity_key.version


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (b"SP\x02\x01\x01\x00\x00\x00\x01", UnsupportedEnvelopeError),  # future format
        (b"SP\x01\x63\x01\x00\x00\x00\x01", UnsupportedEnvelopeError),  # unknown kind
        (b"SP\x01\x01\x63\x00\x00\x00\x01", UnsupportedEnvelopeError),  # unknown algorithm
        (b"SP\x01\x01\x02\x00\x00\x00\x01", UnsupportedEnvelopeError),  # wrong algorithm for kind
        (b"XX\x01\x01\x01\x00\x00\x00\x01", DecryptionError),  # no magic
        (b"SP\x01\x01", DecryptionError),  # truncated
        (b"", DecryptionError),
    ],
)
def test_bad_headers_are_refused_as_decryption_errors(raw, error):
    with pytest.raises(error):
        parse_header(raw)
    assert issubclass(error, DecryptionError)


def test_expected_kind_is_enforced():
    header = EnvelopeHeader.for_kind(kind=EnvelopeKind.KEY_WRAP, key_version=1).to_bytes()

    with pytest.raises(DecryptionError):
        parse_header(header, expected_kind=EnvelopeKind.FIELD)


def test_key_version_must_fit_four_bytes():
    with pytest.raises(ValueError, match="key version"):
        EnvelopeHeader.for_kind(kind=EnvelopeKind.FIELD, key_version=2**32)


@given(st.binary(max_size=512))
def test_text_form_round_trips(data):
    text = envelope_to_text(data)

    assert text.startswith("sp1.")
    assert text.isascii()
    assert envelope_from_text(text) == data


@pytest.mark.parametrize("text", ["", "sp2.AAAA", "sp1.!!!!", "sp1.A", "sp1.ф"])
def test_malformed_text_is_a_decryption_error(text):
    with pytest.raises(DecryptionError):
        envelope_from_text(text)


def test_a_field_envelope_from_a_future_format_is_unsupported_not_misread(
    identity_key, name_context
):
    envelope = bytearray(seal_field(key=identity_key, context=name_context, plaintext=b"x"))
    envelope[2] = 2  # format version 2

    with pytest.raises(UnsupportedEnvelopeError):
        open_field(key=identity_key, context=name_context, envelope=bytes(envelope))


def test_a_field_envelope_relabelled_with_another_key_version_fails(identity_key, name_context):
    envelope = bytearray(seal_field(key=identity_key, context=name_context, plaintext=b"x"))
    envelope[8] = 2  # claims key version 2
    relabelled = GroupKey(
        case_id=identity_key.case_id,
        group=identity_key.group,
        version=2,
        secret=identity_key.secret,
    )

    with pytest.raises(DecryptionError):
        open_field(key=relabelled, context=name_context, envelope=bytes(envelope))

"""Contacts and notes are sealed at rest, bound to their row (decision on pathway sealing)."""

import uuid

from safepassage.pathways.sealing import (
    open_contact_details,
    open_notes,
    seal_contact_details,
    seal_notes,
)


def test_contact_details_round_trip_and_leave_no_plaintext_in_the_column() -> None:
    contact_id = uuid.uuid4()
    details = {"name": "Ona Official", "affiliation": "Ministry", "reach": "+370 600 00000"}

    envelope = seal_contact_details(contact_id=contact_id, details=details)

    assert b"Ona" not in envelope
    assert b"370" not in envelope
    assert open_contact_details(contact_id=contact_id, envelope=envelope) == details


def test_a_sealed_value_moved_to_another_row_does_not_open() -> None:
    envelope = seal_notes(model="pathways.Pathway", row_id=uuid.uuid4(), text="Talks resume.")

    assert open_notes(model="pathways.Pathway", row_id=uuid.uuid4(), envelope=envelope) == ""


def test_empty_notes_are_stored_as_null() -> None:
    assert seal_notes(model="pathways.Pathway", row_id=uuid.uuid4(), text="") is None

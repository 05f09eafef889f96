"""Sealing of trips and booking requests (see docs/security/encryption.md, "Booking requests").

- Passengers and itinerary of a trip: a FIELD envelope under the case's travel-passenger
  group key.
- The trip's record key pair: its private key sealed under the same group key; booking
  records (locator, taxes) are MESSAGE envelopes sealed to its public key and to the
  organisation's recovery key, so whoever records a booking needs no case key, and only
  holders of the travel-passenger key (or the recovery key) can read it.
- A donor's copy of the passengers of one booking request: a FIELD envelope under a random
  link key that is sent only in the donor's link and never stored.
"""

import json
import secrets
from collections.abc import Mapping

from safepassage.cases.models import Case, OrganisationKeyring
from safepassage.core.crypto import (
    FieldContext,
    GroupKey,
    KeyPair,
    PrivateKey,
    PublicKey,
    SensitiveGroup,
    generate_key_pair,
    open_field,
    open_message,
    open_text,
    seal_field,
    seal_message,
    seal_text,
)

TRIP_MODEL = "bookings.Trip"
BOOKING_MODEL = "bookings.BookingRequest"
LINK_KEY_LENGTH = 32


def _context(model: str, field: str, row_id: object) -> FieldContext:
    return FieldContext(model=model, field=field, row_id=str(row_id))


def seal_trip_passengers(*, key: GroupKey, trip_id: object, values: Mapping[str, object]) -> bytes:
    return seal_text(
        key=key,
        context=_context(TRIP_MODEL, "passengers", trip_id),
        text=json.dumps(values, sort_keys=True),
    )


def open_trip_passengers(*, key: GroupKey, trip_id: object, envelope: bytes) -> dict[str, object]:
    loaded = json.loads(
        open_text(key=key, context=_context(TRIP_MODEL, "passengers", trip_id), envelope=envelope)
    )
    return dict(loaded) if isinstance(loaded, dict) else {}


def new_record_key_pair(*, key: GroupKey, trip_id: object) -> tuple[bytes, bytes]:
    """A fresh record key pair for a trip: ``(public key, private key sealed under key)``."""
    pair = generate_key_pair()
    sealed = seal_field(
        key=key,
        context=_context(TRIP_MODEL, "record_private_key", trip_id),
        plaintext=pair.private_key.raw,
    )
    return pair.public_key.raw, sealed


def open_record_key_pair(
    *, key: GroupKey, trip_id: object, public: bytes, sealed: bytes
) -> KeyPair:
    raw = open_field(
        key=key, context=_context(TRIP_MODEL, "record_private_key", trip_id), envelope=sealed
    )
    return KeyPair(public_key=PublicKey(raw=public), private_key=PrivateKey(raw=raw))


def recovery_public_key(*, case: Case) -> PublicKey | None:
    keyring = OrganisationKeyring.objects.filter(organisation_id=case.organisation_id).first()
    return None if keyring is None else PublicKey(raw=bytes(keyring.recovery_public_key))


def seal_booking_record(
    *, recipients: list[PublicKey], booking_id: object, values: Mapping[str, str]
) -> bytes:
    return seal_message(
        recipients=recipients,
        context=_context(BOOKING_MODEL, "booking_record", booking_id),
        plaintext=json.dumps(dict(values), sort_keys=True).encode(),
    )


def open_booking_record(
    *, private_key: PrivateKey, booking_id: object, envelope: bytes
) -> dict[str, str]:
    loaded = json.loads(
        open_message(
            envelope=envelope,
            private_key=private_key,
            context=_context(BOOKING_MODEL, "booking_record", booking_id),
        )
    )
    return {str(k): str(v) for k, v in loaded.items()}


def new_link_key() -> bytes:
    return secrets.token_bytes(LINK_KEY_LENGTH)


def _link_group_key(*, link_key: bytes, booking_id: object, version: int) -> GroupKey:
    return GroupKey(
        case_id=f"booking-link:{booking_id}",
        group=SensitiveGroup.TRAVEL_PASSENGER,
        version=version,
        secret=link_key,
    )


def seal_donor_passengers(
    *, link_key: bytes, booking_id: object, version: int, values: Mapping[str, object]
) -> bytes:
    return seal_text(
        key=_link_group_key(link_key=link_key, booking_id=booking_id, version=version),
        context=_context(BOOKING_MODEL, "donor_passengers", booking_id),
        text=json.dumps(values, sort_keys=True),
    )


def open_donor_passengers(
    *, link_key: bytes, booking_id: object, version: int, envelope: bytes
) -> dict[str, object]:
    loaded = json.loads(
        open_text(
            key=_link_group_key(link_key=link_key, booking_id=booking_id, version=version),
            context=_context(BOOKING_MODEL, "donor_passengers", booking_id),
            envelope=envelope,
        )
    )
    return dict(loaded) if isinstance(loaded, dict) else {}

"""SR-01 and SR-32 for the donations app: every model field is classified, in code (kinds:
``safepassage.core.classification``).

- Donor details are ``sensitive`` in the ``donor`` group: the name on a gift's receipt and
  the address it goes to, a pledger's name and e-mail address, each a FIELD envelope under
  the server-held donor key (``donations.donor_sealing``), bound to the row's public id and
  field. A copy of the database alone names no donor; the running server (or whoever also
  takes ``SAFEPASSAGE_DONOR_KEY``) can open them.
- Amounts, currencies, miles, dates, statuses and references are ``workflow``. A gift made
  through the payment provider keeps the provider's event id: it names nobody here, but the
  provider can say who paid.
- Campaign pages, sponsor names shown on them, the program catalogue, transfer partners and
  exchange rates are ``public``.

No field holds card data or a loyalty program password (SR-32), and no field links a donor
to a traveller: ``tests/donations/test_classification.py`` fails when one appears.
"""

from collections.abc import Mapping

from safepassage.core.classification import Classification, FieldClass
from safepassage.core.crypto import SensitiveGroup

W, P, S = FieldClass.WORKFLOW, FieldClass.PUBLIC, FieldClass.SENSITIVE
DONOR = (S, SensitiveGroup.DONOR)

FIELD_CLASSES: dict[str, Mapping[str, Classification]] = {
    "Campaign": {
        "id": W,
        "public_id": W,
        "slug": P,
        "title": P,
        "story": P,
        "organisation": W,
        "goal_money": P,
        "goal_currency": P,
        "goal_miles": P,
        "starts_on": P,
        "ends_on": P,
        "is_published": W,
        "cover_image": P,
        "cover_content_type": W,
        "cover_description": P,
        "created_at": W,
    },
    "Campaign_beneficiaries": dict.fromkeys(("id", "campaign", "organisation"), W),
    "SponsorMatch": {
        "id": W,
        "public_id": W,
        "campaign": W,
        "sponsor_name": P,
        "ratio": P,
        "cap": P,
        "currency": P,
        "ends_on": P,
    },
    "Gift": {
        "id": W,
        "public_id": W,
        "organisation": W,
        "campaign": W,
        "amount": W,
        "currency": W,
        "source": W,
        "provider": W,
        "provider_event_id": W,
        "idempotency_key": W,
        "is_anonymous": W,
        "donor_name_envelope": DONOR,
        "receipt_email_envelope": DONOR,
        "receipt_sent_on": W,
        "receipt_language": W,
        "received_on": W,
        "recorded_by": W,
        "ledger_transaction_ref": W,
        "created_at": W,
    },
    "ExchangeRate": {
        "id": W,
        "base_currency": P,
        "quote_currency": P,
        "rate": P,
        "as_of": P,
        "source": P,
        "created_at": W,
    },
    "Program": {"id": W, "is_active": W}
    | dict.fromkeys(
        (
            "code",
            "name",
            "kind",
            "alliance",
            "operating_carrier",
            "minimum_pledge",
            "booking_for_others",
            "nominee_limit",
            "nominee_change_wait_days",
            "delegated_booking",
            "member_transfer",
            "expiry_policy",
        ),
        P,
    ),
    "ProgramFact": {"id": W, "program": W}
    | dict.fromkeys(("topic", "statement", "source", "as_of", "confidence"), P),
    "TransferPartner": {"id": W, "bank_program": W, "airline_program": W}
    | dict.fromkeys(("points_in", "miles_out", "notes", "source", "as_of"), P),
    "Pledge": {
        "id": W,
        "public_id": W,
        "program": W,
        "transfer_partner": W,
        "campaign": W,
        "event": W,
        "miles": W,
        "expires_on": W,
        "contact_before": W,
        "max_travellers": W,
        "delegated_booking_consent": W,
        "is_anonymous": W,
        "donor_name_envelope": DONOR,
        "donor_email_envelope": DONOR,
        # HMAC of the address under a key derived from the donor key material (never
        # stored), kept only while the pledge waits for confirmation: finds the pledge to
        # send a lost confirmation link again (decision 0043).
        "donor_email_digest": FieldClass.DIGEST,
        "language": W,
        "status": W,
        # The random part of a signed one-time form token: it only finds a repeated
        # submission of the same form and grants nothing.
        "submission_token": W,
        "created_on": W,
        "confirmed_on": W,
        "confirmation_sent_on": W,
        "confirmation_resends": W,
        "reminded_for_expiry_on": W,
    },
}

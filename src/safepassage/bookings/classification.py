"""SR-01 for allocation and booking: every model field is classified, in code.

- ``workflow``: clear and non-identifying (SR-02): public ids and references, states, case
  codes and party sizes (inside run snapshots), program codes, miles, money, dates to the
  day; run documents hold ids and numbers only;
- ``sensitive``: an envelope (FIELD or MESSAGE) of the named group;
- ``key``: key material that opens nothing alone (a public key; a private key sealed under
  the case's travel-passenger key is listed as sensitive);
- ``secret``: the one-time code's HMAC and expiry (opens nothing without the e-mail).

The exact times in clear are ``AllocationRun.queued_since`` and ``running_since`` (listed
in ``TRANSIENT_TIMES``): when a run was queued and when the worker took it, each kept only
while the run waits or runs (cleared when it moves on) to tell a missing or dead worker;
the audit event of the run's start holds the same time already, and it names no person.

``BookingRequest.cash_paid`` holds amounts, currencies, exchange rates and fund or campaign
public ids: the same amounts the ledger's disbursements hold in clear.

``CashRefund`` holds an amount, a currency, a reason code and the fund or campaign public ids
credited: the same amounts the ledger's refunds hold in clear.

``tests/bookings/test_classification.py`` fails for an unclassified field.
"""

from safepassage.core.classification import FieldClass
from safepassage.core.crypto import SensitiveGroup

__all__ = ["FIELD_CLASSES", "TRANSIENT_TIMES", "FieldClass"]  # tests import FieldClass from here

W, S, K, X = FieldClass.WORKFLOW, FieldClass.SENSITIVE, FieldClass.KEY, FieldClass.SECRET
TRAVEL = SensitiveGroup.TRAVEL_PASSENGER

TRANSIENT_TIMES = frozenset({("AllocationRun", "running_since"), ("AllocationRun", "queued_since")})
"""Workflow times kept only while a run waits or runs (see above)."""

FIELD_CLASSES: dict[str, dict[str, tuple[FieldClass, SensitiveGroup | None]]] = {
    "AllocationRun": dict.fromkeys(
        (
            "id",
            "public_id",
            "organisation",
            "started_by",
            "started_on",
            "status",
            "time_limit_seconds",
            "currency",
            "cash_budget",
            "problem",
            "pledge_snapshot",
            "request_snapshot",
            "phase",
            "incumbent",
            "bound",
            "gap",
            "plan",
            "travellers_served",
            "error_code",
            "running_since",
            "queued_since",
        ),
        (W, None),
    ),
    "Trip": dict.fromkeys(
        (
            "id",
            "public_id",
            "organisation",
            "case",
            "run",
            "request_ref",
            "option_ref",
            "travellers",
            "status",
            "accepted_by",
            "accepted_on",
        ),
        (W, None),
    )
    | {
        "passengers": (S, TRAVEL),
        "record_public_key": (K, None),
        "record_private_key": (S, TRAVEL),
    },
    "BookingRequest": dict.fromkeys(
        (
            "id",
            "public_id",
            "trip",
            "run",
            "request_ref",
            "fare_ref",
            "traveller_numbers",
            "pledge",
            "program",
            "miles",
            "ledger_points",
            "cash",
            "currency",
            "mode",
            "status",
            "created_on",
            "sent_on",
            "link_version",
            "code_attempts",
            "codes_sent",
            "miles_charged",
            "points_redeemed",
            "cash_paid",
            "closed_on",
            "replacement",
        ),
        (W, None),
    )
    | {
        "donor_passengers": (S, TRAVEL),
        "booking_record": (S, TRAVEL),
        "code_hash": (X, None),
        "code_expires_at": (X, None),
    },
    "CashRefund": dict.fromkeys(
        (
            "id",
            "public_id",
            "booking",
            "request_key",
            "outcome",
            "amount",
            "currency",
            "reason",
            "credited",
            "recorded_by",
            "recorded_on",
        ),
        (W, None),
    ),
}

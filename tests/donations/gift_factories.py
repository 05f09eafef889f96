"""Helpers for gift tests: signed webhook deliveries and counts of everything a gift writes."""

import datetime
import json
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from safepassage.audit.models import AuditEvent
from safepassage.donations.gifts.webhooks import (
    DEVELOPMENT_WEBHOOK_SECRET,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    sign_payload,
)
from safepassage.donations.models import Campaign, Gift, GiftSource
from safepassage.ledger.models import Balance, LedgerTransaction, Posting
from safepassage.organisations.models import Organisation
from tests.factories import OrganisationFactory

PROVIDER = "testpay"


def make_campaign(*, organisation: Organisation | None = None, title: str = "") -> Campaign:
    """A campaign run by ``organisation`` (a new one by default)."""
    organisation = organisation or OrganisationFactory.create()
    slug = f"gift-campaign-{uuid.uuid4().hex[:12]}"
    return Campaign.objects.create(
        slug=slug,
        title=title or slug,
        organisation=organisation,
        goal_currency="EUR",
        starts_on=datetime.date(2026, 11, 1),
        is_published=True,
    )


def gift_event(**fields: object) -> dict[str, object]:
    """A completed-gift event; ``fields`` override or add keys."""
    event: dict[str, object] = {
        "id": "evt_1",
        "type": "gift.completed",
        "amount": "25.00",
        "currency": "EUR",
    }
    event.update(fields)
    return event


def deliver(
    client: Client,
    body: bytes | dict[str, object],
    *,
    timestamp: int | None = None,
    secret: str = DEVELOPMENT_WEBHOOK_SECRET,
    signature: str | None = None,
    provider: str = PROVIDER,
):
    """POST a webhook delivery signed like a provider would (or with ``signature``)."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    if signature is None:
        signature = sign_payload(secret=secret.encode("utf-8"), timestamp=stamp, body=raw)
    return client.post(
        reverse("donations:gift_webhook", kwargs={"provider": provider}),
        data=raw,
        content_type="application/json",
        headers={TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: signature},
    )


@dataclass(frozen=True)
class Written:
    """How many rows of each kind a gift can write exist."""

    gifts: int
    ledger_transactions: int
    postings: int
    balances: int
    audit_events: int
    tasks: int


def written() -> Written:
    return Written(
        gifts=Gift.objects.count(),
        ledger_transactions=LedgerTransaction.objects.count(),
        postings=Posting.objects.count(),
        balances=Balance.objects.count(),
        audit_events=AuditEvent.objects.count(),
        tasks=DBTaskResult.objects.count(),
    )


def matrix_gift(organisation: Organisation) -> Gift:
    """The one gift the permission matrix visits (to the organisation's general fund)."""
    gift, _created = Gift.objects.get_or_create(
        idempotency_key="staff:matrix",
        defaults={
            "organisation": organisation,
            "amount": Decimal("10.00"),
            "currency": "EUR",
            "source": GiftSource.BANK_TRANSFER,
            "received_on": datetime.date(2026, 11, 20),
        },
    )
    return gift

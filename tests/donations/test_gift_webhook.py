"""The payment provider's gift webhook: signed, time-bounded, idempotent (SR-32)."""

import json
import time
import uuid
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from safepassage.audit.models import AuditEvent
from safepassage.core.ledger import MoneyOwner, OwnerKind
from safepassage.core.money import Money
from safepassage.donations.gifts.errors import WebhookSignatureInvalid
from safepassage.donations.gifts.webhooks import sign_payload, verify_signature
from safepassage.donations.models import Gift, GiftSource
from safepassage.ledger.selectors import get_cash_balance
from tests.donations.gift_factories import deliver, gift_event, make_campaign, written
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _campaign_cash(campaign_public_id: uuid.UUID, currency: str = "EUR") -> Money:
    owner = MoneyOwner(kind=OwnerKind.CAMPAIGN, owner_id=str(campaign_public_id))
    return get_cash_balance(owner=owner, currency=currency)


@pytest.mark.django_db(transaction=True)  # the worker closes its connection on PostgreSQL
def test_a_valid_delivery_records_the_gift_its_posting_and_an_audit_event(
    client: Client,
) -> None:
    # given: a campaign and a signed event for it
    campaign = make_campaign()
    event = gift_event(
        campaign=str(campaign.public_id),
        amount="25.50",
        received_on="2026-11-24",
        donor={"name": "Alex", "email": "alex@example.org", "anonymous": False},
    )

    # when
    response = deliver(client, event)

    # then: one gift, exact amount and currency, posted to the campaign's cash
    assert response.status_code == 200
    assert response.json()["status"] == "recorded"
    gift = Gift.objects.get()
    assert str(gift.public_id) == response.json()["gift"]
    assert (gift.amount, gift.currency) == (Decimal("25.50"), "EUR")
    assert gift.source == GiftSource.PROVIDER_WEBHOOK
    assert (gift.provider, gift.provider_event_id) == ("testpay", "evt_1")
    assert gift.organisation == campaign.organisation
    assert str(gift.received_on) == "2026-11-24"
    assert not gift.is_anonymous
    assert _campaign_cash(campaign.public_id) == Money(amount=Decimal("25.50"), currency="EUR")
    assert AuditEvent.objects.filter(
        action="gift.recorded", object_ref=str(gift.public_id)
    ).exists()
    # and: donor details are only sealed, never in clear
    assert gift.receipt_email_envelope is not None
    assert gift.donor_name_envelope is not None
    assert b"alex@example.org" not in bytes(gift.receipt_email_envelope)
    assert b"Alex" not in bytes(gift.donor_name_envelope)
    # and: the worker sends the receipt with the PDF, then forgets the address
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alex@example.org"]
    assert "25.50 EUR" in message.body
    assert message.attachments[0][2] == "application/pdf"
    assert message.attachments[0][1][:5] == b"%PDF-"
    sent = Gift.objects.get(pk=gift.pk)
    assert sent.receipt_email_envelope is None
    assert sent.receipt_sent_on is not None


def test_a_gift_to_an_organisation_fund(client: Client) -> None:
    organisation = OrganisationFactory.create()

    response = deliver(
        client, gift_event(organisation=str(organisation.public_id), amount="1000", currency="JPY")
    )

    assert response.status_code == 200
    gift = Gift.objects.get()
    assert gift.campaign is None
    assert gift.organisation == organisation
    owner = MoneyOwner(kind=OwnerKind.FUND, owner_id=str(organisation.public_id))
    assert get_cash_balance(owner=owner, currency="JPY") == Money(
        amount=Decimal(1000), currency="JPY"
    )


@pytest.mark.parametrize(
    "signature",
    [
        "sha256=" + "0" * 64,
        "",
        "sha256=",
        "not-a-signature",
    ],
)
def test_a_bad_signature_is_refused_and_nothing_is_written(client: Client, signature: str) -> None:
    # given
    campaign = make_campaign()
    before = written()

    # when
    response = deliver(client, gift_event(campaign=str(campaign.public_id)), signature=signature)

    # then
    assert response.status_code == 400
    assert response.json()["error"] == "bad_signature"
    assert written() == before
    assert mail.outbox == []


def test_a_signature_made_with_another_secret_is_refused(client: Client) -> None:
    campaign = make_campaign()
    before = written()

    response = deliver(client, gift_event(campaign=str(campaign.public_id)), secret="guessed")

    assert response.status_code == 400
    assert written() == before


def test_a_body_changed_after_signing_is_refused(client: Client) -> None:
    # given: a signature over 25.00, a body saying 2500.00
    campaign = make_campaign()
    stamp = str(int(time.time()))
    signed = json.dumps(gift_event(campaign=str(campaign.public_id))).encode()
    tampered = json.dumps(gift_event(campaign=str(campaign.public_id), amount="2500.00")).encode()
    from safepassage.donations.gifts.webhooks import DEVELOPMENT_WEBHOOK_SECRET

    signature = sign_payload(
        secret=DEVELOPMENT_WEBHOOK_SECRET.encode(), timestamp=stamp, body=signed
    )
    before = written()

    # when
    response = deliver(client, tampered, timestamp=int(stamp), signature=signature)

    # then
    assert response.status_code == 400
    assert written() == before


@pytest.mark.parametrize("offset", [-301, 301, -3600, 86400])
def test_a_stale_or_future_timestamp_is_refused_as_a_replay(client: Client, offset: int) -> None:
    # given: a correctly signed delivery, signed too long ago (or in the future)
    campaign = make_campaign()
    before = written()

    # when
    response = deliver(
        client, gift_event(campaign=str(campaign.public_id)), timestamp=int(time.time()) + offset
    )

    # then
    assert response.status_code == 400
    assert response.json()["error"] == "stale_timestamp"
    assert written() == before


def test_a_timestamp_within_five_minutes_is_accepted(client: Client) -> None:
    campaign = make_campaign()

    response = deliver(
        client, gift_event(campaign=str(campaign.public_id)), timestamp=int(time.time()) - 290
    )

    assert response.status_code == 200


def test_a_duplicate_delivery_answers_200_and_changes_nothing(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    # given: an event delivered once (with a receipt address)
    campaign = make_campaign()
    event = gift_event(campaign=str(campaign.public_id), donor={"email": "d@example.org"})
    with django_capture_on_commit_callbacks(execute=True):
        first = deliver(client, event)
    before = written()

    # when: the provider delivers it again, freshly signed
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = deliver(client, event)

    # then: same gift, nothing new written, no second receipt queued
    assert second.status_code == 200
    assert second.json() == {"status": "duplicate", "gift": first.json()["gift"]}
    assert written() == before
    assert callbacks == []
    assert _campaign_cash(campaign.public_id) == Money(amount=Decimal("25.00"), currency="EUR")


def test_the_same_event_id_with_other_content_is_refused(client: Client) -> None:
    campaign = make_campaign()
    deliver(client, gift_event(campaign=str(campaign.public_id)))
    before = written()

    response = deliver(client, gift_event(campaign=str(campaign.public_id), amount="99.00"))

    assert response.status_code == 409
    assert response.json()["error"] == "event_id_reused"
    assert written() == before


def test_the_same_event_id_from_another_provider_is_another_gift(client: Client) -> None:
    campaign = make_campaign()
    deliver(client, gift_event(campaign=str(campaign.public_id)))

    response = deliver(client, gift_event(campaign=str(campaign.public_id)), provider="otherpay")

    assert response.json()["status"] == "recorded"
    assert Gift.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"{not json", "malformed_event"),
        (b"[1, 2]", "malformed_event"),
        # nested deeper than the JSON parser recurses: a clear 400, never a server error
        (b"[" * 60_000, "malformed_event"),
        (b'{"id": "evt_1", "donor": ' + b"[" * 30_000 + b"]" * 30_000 + b"}", "malformed_event"),
        (
            b'{"id": "evt_1", "type": "gift.completed", "amount": 25.5, "currency": "EUR"}',
            "malformed_event",
        ),
        ({"amount": "abc"}, "invalid_amount"),
        ({"amount": "-5.00"}, "invalid_amount"),
        ({"amount": "0"}, "invalid_amount"),
        ({"amount": "1.001"}, "invalid_amount"),
        ({"amount": "NaN"}, "invalid_amount"),
        ({"amount": "100000000000"}, "invalid_amount"),
        ({"amount": "10.5", "currency": "JPY"}, "invalid_amount"),
        ({"currency": "XXX"}, "unsupported_currency"),
        ({"currency": "euro"}, "unsupported_currency"),
        ({"id": ""}, "malformed_event"),
        ({"id": "evt 1; drop"}, "malformed_event"),
        ({"campaign": "not-a-uuid"}, "malformed_event"),
        ({"campaign": str(uuid.UUID(int=1))}, "unknown_destination"),
        ({"campaign": None, "organisation": None}, "malformed_event"),
        ({"received_on": "yesterday"}, "malformed_event"),
        ({"received_on": "2999-01-01"}, "malformed_event"),
        ({"received_on": "1900-01-01"}, "malformed_event"),
        ({"donor": {"email": "not an address"}}, "malformed_event"),
        ({"donor": "Alex"}, "malformed_event"),
    ],
)
def test_a_malformed_event_answers_400_with_a_clear_error_and_writes_nothing(
    client: Client, body: bytes | dict[str, object], error: str
) -> None:
    # given
    campaign = make_campaign()
    if isinstance(body, dict):
        body = gift_event(campaign=str(campaign.public_id)) | body
        body = {key: value for key, value in body.items() if value is not None}
    before = written()

    # when
    response = deliver(client, body)

    # then
    assert response.status_code == 400
    assert response.json()["error"] == error
    assert response.json()["message"]
    assert written() == before


def test_amounts_keep_every_decimal_place_the_currency_has(client: Client) -> None:
    campaign = make_campaign()

    deliver(client, gift_event(campaign=str(campaign.public_id), amount="12.345", currency="BHD"))

    gift = Gift.objects.get()
    assert Money(amount=gift.amount, currency=gift.currency) == Money(
        amount=Decimal("12.345"), currency="BHD"
    )
    assert _campaign_cash(campaign.public_id, "BHD").to_minor_units() == 12345


@pytest.mark.parametrize(("amount", "currency"), [("150.00", "PEN"), ("20.00", "XCD")])
def test_a_gift_in_any_active_iso_currency_reaches_the_books(
    client: Client, amount: str, currency: str
) -> None:
    # given a donor paying in Peruvian soles (or East Caribbean dollars): the provider may
    # settle in any currency it supports, and a refused delivery would leave the gift
    # outside the books with only the provider's dashboard saying so
    campaign = make_campaign()

    response = deliver(
        client, gift_event(campaign=str(campaign.public_id), amount=amount, currency=currency)
    )

    assert response.status_code == 200
    assert _campaign_cash(campaign.public_id, currency) == Money(
        amount=Decimal(amount), currency=currency
    )


def test_other_event_types_are_acknowledged_and_ignored(client: Client) -> None:
    before = written()

    response = deliver(client, {"id": "evt_9", "type": "payout.paid"})

    assert response.status_code == 200
    assert response.json() == {"status": "ignored"}
    assert written() == before


def test_an_unsigned_event_of_another_type_is_still_refused(client: Client) -> None:
    response = deliver(client, {"id": "evt_9", "type": "payout.paid"}, signature="sha256=00")

    assert response.status_code == 400


def test_production_without_a_secret_refuses_every_delivery(
    client: Client, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: production mode and no SAFEPASSAGE_PAYMENT_WEBHOOK_SECRET
    settings.PRODUCTION = True
    monkeypatch.delenv("SAFEPASSAGE_PAYMENT_WEBHOOK_SECRET", raising=False)
    campaign = make_campaign()
    before = written()

    # when: signed with the development secret
    response = deliver(client, gift_event(campaign=str(campaign.public_id)))

    # then
    assert response.status_code == 503
    assert written() == before


def test_a_configured_secret_replaces_the_development_one_and_can_rotate(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAFEPASSAGE_PAYMENT_WEBHOOK_SECRET", "new-secret, old-secret")
    campaign = make_campaign()

    development = deliver(client, gift_event(campaign=str(campaign.public_id)))
    old = deliver(
        client, gift_event(id="evt_2", campaign=str(campaign.public_id)), secret="old-secret"
    )
    new = deliver(
        client, gift_event(id="evt_3", campaign=str(campaign.public_id)), secret="new-secret"
    )

    assert (development.status_code, old.status_code, new.status_code) == (400, 200, 200)


def test_the_webhook_needs_no_csrf_token_but_only_answers_post(client: Client) -> None:
    csrf_client = Client(enforce_csrf_checks=True)
    campaign = make_campaign()

    assert deliver(csrf_client, gift_event(campaign=str(campaign.public_id))).status_code == 200
    assert client.get("/donate/gifts/webhook/testpay/").status_code == 405


def test_an_oversized_body_is_refused_before_it_is_read(client: Client) -> None:
    before = written()

    response = deliver(client, b"{" + b" " * (64 * 1024) + b"}")

    assert response.status_code == 413
    assert written() == before


def test_the_body_never_reaches_the_logs(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    campaign = make_campaign()
    event = gift_event(
        campaign=str(campaign.public_id), donor={"name": "Zarina", "email": "zarina@example.org"}
    )

    deliver(client, event)
    deliver(client, event, signature="sha256=00")

    assert "Zarina" not in caplog.text
    assert "zarina@example.org" not in caplog.text


@settings(max_examples=200, deadline=None)
@given(
    body=st.binary(min_size=1, max_size=200),
    position=st.integers(min_value=0),
    bit=st.integers(0, 7),
)
def test_flipping_any_bit_of_a_signed_body_breaks_the_signature(
    body: bytes, position: int, bit: int
) -> None:
    from django.utils import timezone

    now = timezone.now()
    stamp = str(int(now.timestamp()))
    secret = b"development-only-payment-webhook-secret"
    signature = sign_payload(secret=secret, timestamp=stamp, body=body)
    verify_signature(timestamp=stamp, signature=signature, body=body, now=now)
    index = position % len(body)
    flipped = body[:index] + bytes([body[index] ^ (1 << bit)]) + body[index + 1 :]

    with pytest.raises(WebhookSignatureInvalid):
        verify_signature(timestamp=stamp, signature=signature, body=flipped, now=now)

"""Staff gift pages: entering gifts, lists with filters, CSV export, totals, receipts."""

import csv
import datetime
import io
import uuid
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.core.ledger import MoneyOwner, OwnerKind
from safepassage.core.money import Money
from safepassage.donations.gifts.selectors import convert_for_reporting
from safepassage.donations.models import ExchangeRate, Gift, GiftSource
from safepassage.ledger.selectors import get_cash_balance
from tests.donations.gift_factories import deliver, gift_event, make_campaign, written
from tests.exports.helpers import opened, post_export
from tests.factories import make_staff, sign_in

pytestmark = pytest.mark.django_db


def _form(**fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "submission_key": str(uuid.uuid4()),
        "amount": "150.00",
        "currency": "GBP",
        "campaign": "",
        "source": GiftSource.BANK_TRANSFER,
        "received_on": "2026-11-20",
        "donor_name": "",
        "donor_email": "",
    }
    data.update(fields)
    return data


def _new_url(organisation_id: uuid.UUID) -> str:
    return reverse("donations:gift_new", kwargs={"organisation_id": organisation_id})


@pytest.mark.django_db(transaction=True)  # the worker closes its connection on PostgreSQL
@pytest.mark.parametrize("role", [Role.ADMIN, Role.FUNDRAISER])
def test_a_fundraiser_records_a_bank_transfer_to_a_campaign(client: Client, role: str) -> None:
    # given
    staff = make_staff(role)
    campaign = make_campaign(organisation=staff.organisation)
    sign_in(client, staff)

    # when
    response = client.post(
        _new_url(staff.organisation.public_id),
        _form(campaign=str(campaign.public_id), donor_name="Jo", donor_email="jo@example.org"),
    )

    # then: the gift, its posting, its audit event, its receipt
    gift = Gift.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "donations:gift_detail",
        kwargs={"organisation_id": staff.organisation.public_id, "gift_id": gift.public_id},
    )
    assert (gift.amount, gift.currency, gift.campaign) == (Decimal("150.00"), "GBP", campaign)
    assert gift.recorded_by == staff.user
    assert gift.source == GiftSource.BANK_TRANSFER
    owner = MoneyOwner(kind=OwnerKind.CAMPAIGN, owner_id=str(campaign.public_id))
    assert get_cash_balance(owner=owner, currency="GBP") == Money(
        amount=Decimal(150), currency="GBP"
    )
    event = AuditEvent.objects.get(action="gift.recorded")
    assert event.actor == str(staff.user.public_id)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    assert [message.to for message in mail.outbox] == [["jo@example.org"]]
    assert "Jo" in mail.outbox[0].body


def test_submitting_the_same_form_twice_records_one_gift(client: Client) -> None:
    staff = make_staff(Role.FUNDRAISER)
    sign_in(client, staff)
    data = _form()

    first = client.post(_new_url(staff.organisation.public_id), data)
    before = written()
    second = client.post(_new_url(staff.organisation.public_id), data)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert written() == before
    assert Gift.objects.count() == 1


@pytest.mark.parametrize("role", [Role.VIEWER, Role.CASEWORKER, Role.TRAVEL_COORDINATOR])
def test_roles_without_add_gift_are_refused_and_nothing_is_written_or_sent(
    client: Client, role: str, django_capture_on_commit_callbacks
) -> None:
    staff = make_staff(role)
    sign_in(client, staff)
    before = written()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            _new_url(staff.organisation.public_id), _form(donor_email="x@example.org")
        )

    assert response.status_code == 403
    assert written() == before
    assert callbacks == []
    assert mail.outbox == []


def test_an_admin_of_another_organisation_gets_404_and_nothing_is_written(client: Client) -> None:
    victim = make_staff(Role.ADMIN)
    outsider = make_staff(Role.ADMIN)
    sign_in(client, outsider)
    before = written()

    response = client.post(_new_url(victim.organisation.public_id), _form())

    assert response.status_code == 404
    assert written() == before


def test_a_campaign_of_another_organisation_cannot_be_chosen(client: Client) -> None:
    staff = make_staff(Role.FUNDRAISER)
    foreign = make_campaign()
    sign_in(client, staff)
    before = written()

    response = client.post(
        _new_url(staff.organisation.public_id), _form(campaign=str(foreign.public_id))
    )

    assert response.status_code == 200
    assert "campaign" in response.context["form"].errors
    assert written() == before


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": "10.999"}, "amount"),
        ({"amount": "12", "currency": "JPY"}, None),
        ({"amount": "12.5", "currency": "JPY"}, "amount"),
        ({"amount": "-1"}, "amount"),
        ({"amount": "1e3"}, None),
        ({"currency": "XXX"}, "currency"),
        ({"source": GiftSource.PROVIDER_WEBHOOK}, "source"),
        ({"received_on": "2999-01-01"}, "received_on"),
        # a year typed as 26: the transparency page would list every month since year 26
        ({"received_on": "0026-11-20"}, "received_on"),
        ({"donor_email": "nope"}, "donor_email"),
        ({"submission_key": "not-a-uuid"}, "submission_key"),
    ],
)
def test_the_form_checks_amounts_against_the_currency(
    client: Client, fields: dict[str, str], field: str | None
) -> None:
    staff = make_staff(Role.FUNDRAISER)
    sign_in(client, staff)

    response = client.post(_new_url(staff.organisation.public_id), _form(**fields))

    if field is None:
        assert response.status_code == 302
    else:
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert Gift.objects.count() == 0


def test_a_gift_dated_tomorrow_in_utc_is_taken_for_staff_east_of_utc(client: Client) -> None:
    # given a fundraiser in Hong Kong counting the cash box after local midnight, while the
    # server's day (UTC) is still the day before
    staff = make_staff(Role.FUNDRAISER)
    sign_in(client, staff)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    # when they record the cash under their own date, and one a day later still
    taken = client.post(_new_url(staff.organisation.public_id), _form(received_on=tomorrow))
    refused = client.post(
        _new_url(staff.organisation.public_id),
        _form(received_on=tomorrow + datetime.timedelta(days=1)),
    )

    # then the first is recorded on their date and the second is refused
    assert taken.status_code == 302
    assert Gift.objects.get().received_on == tomorrow
    assert refused.status_code == 200
    assert "received_on" in refused.context["form"].errors


def test_the_form_is_shown_with_a_fresh_submission_key(client: Client) -> None:
    staff = make_staff(Role.ADMIN)
    sign_in(client, staff)

    first = client.get(_new_url(staff.organisation.public_id))
    second = client.get(_new_url(staff.organisation.public_id))

    assert first.status_code == 200
    keys = {str(response.context["form"].initial["submission_key"]) for response in (first, second)}
    assert len(keys) == 2


def _record(organisation, **fields) -> Gift:
    values = {
        "organisation": organisation,
        "amount": Decimal("10.00"),
        "currency": "EUR",
        "source": GiftSource.BANK_TRANSFER,
        "received_on": datetime.date(2026, 11, 10),
        "idempotency_key": f"test:{uuid.uuid4()}",
    } | fields
    return Gift.objects.create(**values)


def test_the_list_shows_only_this_organisation_and_filters(client: Client) -> None:
    # given: gifts here (two campaigns, two dates, two sources) and one elsewhere
    staff = make_staff(Role.VIEWER)
    campaign = make_campaign(organisation=staff.organisation)
    in_campaign = _record(staff.organisation, campaign=campaign, amount=Decimal("11.00"))
    early_cash = _record(
        staff.organisation,
        source=GiftSource.CASH_AT_EVENT,
        received_on=datetime.date(2026, 10, 1),
        amount=Decimal("22.00"),
    )
    elsewhere = _record(make_staff(Role.ADMIN).organisation, amount=Decimal("33.00"))
    sign_in(client, staff)
    url = reverse("donations:gift_list", kwargs={"organisation_id": staff.organisation.public_id})

    # when / then
    def listed(query: dict[str, str]) -> set[Gift]:
        response = client.get(url, query)
        assert response.status_code == 200
        return set(response.context["page"].object_list)

    assert listed({}) == {in_campaign, early_cash}
    assert elsewhere not in listed({})
    assert listed({"campaign": str(campaign.public_id)}) == {in_campaign}
    assert listed({"source": GiftSource.CASH_AT_EVENT}) == {early_cash}
    assert listed({"received_from": "2026-11-01"}) == {in_campaign}
    assert listed({"received_until": "2026-10-31"}) == {early_cash}
    assert listed({"received_from": "bad date"}) == set()


def test_the_csv_export_has_no_donor_details_and_is_audited(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    # given: a gift from a named donor with a receipt address, via the webhook
    staff = make_staff(Role.VIEWER)
    campaign = make_campaign(organisation=staff.organisation, title="=HYPERLINK(1)")
    with django_capture_on_commit_callbacks(execute=True):
        deliver(
            Client(),
            gift_event(
                campaign=str(campaign.public_id),
                donor={"name": "Ruslan", "email": "ruslan@example.org", "anonymous": False},
            ),
        )
    sign_in(client, staff)

    # when
    response = post_export(
        client,
        reverse("donations:gift_export", kwargs={"organisation_id": staff.organisation.public_id}),
    )

    # then: encrypted, and what the plain CSV held once opened
    assert response["Content-Disposition"] == 'attachment; filename="gifts.csv.gpg"'
    text = opened(response).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["gift_id", "received_on", "amount", "currency"]
    assert rows[1][2:5] == ["25.00", "EUR", "'=HYPERLINK(1)"]
    assert "Ruslan" not in text
    assert "ruslan@example.org" not in text
    assert AuditEvent.objects.filter(
        action="gifts.exported_encrypted", actor=str(staff.user.public_id)
    ).exists()


def test_an_export_with_invalid_filters_exports_nothing(client: Client) -> None:
    staff = make_staff(Role.ADMIN)
    _record(staff.organisation)
    sign_in(client, staff)
    before = written()

    response = post_export(
        client,
        reverse("donations:gift_export", kwargs={"organisation_id": staff.organisation.public_id}),
        query="received_from=never",
    )

    assert response.status_code == 400
    assert written() == before


def test_the_receipt_page_and_pdf(client: Client) -> None:
    staff = make_staff(Role.FUNDRAISER)
    gift = _record(staff.organisation, amount=Decimal("5.5"), currency="USD")
    sign_in(client, staff)
    kwargs = {"organisation_id": staff.organisation.public_id, "gift_id": gift.public_id}

    page = client.get(reverse("donations:gift_detail", kwargs=kwargs))
    pdf = client.get(reverse("donations:gift_receipt_pdf", kwargs=kwargs))

    assert page.status_code == 200
    assert "5.50 USD" in page.content.decode()
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert "attachment" in pdf["Content-Disposition"]


def test_a_gift_of_another_organisation_answers_404(client: Client) -> None:
    staff = make_staff(Role.ADMIN)
    other = _record(make_staff(Role.ADMIN).organisation)
    sign_in(client, staff)

    for name in ("donations:gift_detail", "donations:gift_receipt_pdf"):
        response = client.get(
            reverse(
                name,
                kwargs={
                    "organisation_id": staff.organisation.public_id,
                    "gift_id": other.public_id,
                },
            )
        )
        assert response.status_code == 404


def test_totals_per_campaign_per_currency_with_a_recorded_rate(client: Client) -> None:
    # given: gifts in EUR and USD to a campaign, posted through the staff form
    staff = make_staff(Role.ADMIN)
    campaign = make_campaign(organisation=staff.organisation, title="Winter")
    sign_in(client, staff)
    for amount, currency in (("100.00", "EUR"), ("50.00", "EUR"), ("10.00", "USD")):
        client.post(
            _new_url(staff.organisation.public_id),
            _form(amount=amount, currency=currency, campaign=str(campaign.public_id)),
        )
    ExchangeRate.objects.create(
        base_currency="USD",
        quote_currency="EUR",
        rate=Decimal("0.9"),
        as_of=timezone.localdate(),
        source="test rate",
    )

    # when
    response = client.get(
        reverse("donations:gift_totals", kwargs={"organisation_id": staff.organisation.public_id})
    )

    # then
    assert response.status_code == 200
    winter = next(row for row in response.context["rows"] if row.campaign == campaign)
    assert [total.money for total in winter.given] == [
        Money(amount=Decimal(150), currency="EUR"),
        Money(amount=Decimal(10), currency="USD"),
    ]
    assert list(winter.held) == [
        Money(amount=Decimal(150), currency="EUR"),
        Money(amount=Decimal(10), currency="USD"),
    ]
    assert winter.converted == Money(amount=Decimal("159.00"), currency="EUR")
    assert "test rate" in response.content.decode()


def test_a_currency_without_a_rate_is_never_guessed() -> None:
    totals = [Money(amount=Decimal(1), currency="EUR"), Money(amount=Decimal(1), currency="KZT")]

    assert convert_for_reporting(totals=totals, quote_currency="EUR", rates={}) is None


@pytest.mark.django_db(transaction=True)  # the worker closes its connection on PostgreSQL
def test_the_receipt_task_runs_once_even_if_enqueued_twice() -> None:
    from safepassage.donations.gifts.tasks import send_gift_receipt

    campaign = make_campaign()
    deliver(
        Client(), gift_event(campaign=str(campaign.public_id), donor={"email": "a@example.org"})
    )
    gift = Gift.objects.get()
    send_gift_receipt.enqueue(gift_id=str(gift.public_id), language="en")

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")

    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="gift.receipt_sent").count() == 1


def test_the_receipt_is_sent_in_russian_when_asked(django_capture_on_commit_callbacks) -> None:
    from safepassage.donations.gifts.tasks import send_gift_receipt

    campaign = make_campaign()
    deliver(
        Client(), gift_event(campaign=str(campaign.public_id), donor={"email": "a@example.org"})
    )
    gift = Gift.objects.get()

    send_gift_receipt.call(gift_id=str(gift.public_id), language="ru")

    assert len(mail.outbox) == 1
    assert gift.public_id.hex[:8] in mail.outbox[0].body.replace("-", "")


def test_the_list_pages_by_100_and_shows_amounts_with_the_currency_decimals(
    client: Client,
) -> None:
    staff = make_staff(Role.VIEWER)
    Gift.objects.bulk_create(
        Gift(
            organisation=staff.organisation,
            amount=Decimal(1000),
            currency="JPY",
            source=GiftSource.BANK_TRANSFER,
            received_on=datetime.date(2026, 11, 10),
            idempotency_key=f"test:{number}",
        )
        for number in range(101)
    )
    sign_in(client, staff)
    url = reverse("donations:gift_list", kwargs={"organisation_id": staff.organisation.public_id})

    first = client.get(url, {"currency": "JPY"})
    second = client.get(url, {"currency": "JPY", "page": "2"})

    assert len(first.context["page"].object_list) == 100
    assert len(second.context["page"].object_list) == 1
    assert "1,000 JPY" in first.content.decode()
    assert "currency=JPY&amp;page=2" in first.content.decode()


def test_the_receipt_e_mail_is_plain_text_without_html_escapes() -> None:
    from safepassage.donations.gifts.tasks import send_gift_receipt

    organisation = make_staff(Role.ADMIN).organisation
    organisation.name = "Rainbow's <Fund>"
    organisation.save()
    deliver(
        Client(),
        gift_event(
            organisation=str(organisation.public_id),
            donor={"name": "O'Neil", "email": "o@example.org", "anonymous": False},
        ),
    )

    send_gift_receipt.call(gift_id=str(Gift.objects.get().public_id), language="en")

    message = mail.outbox[0]
    assert message.subject == "Your gift to Rainbow's <Fund>: receipt"
    assert "Dear O'Neil," in message.body
    assert "&#x27;" not in message.body


def test_exports_stop_after_twenty_an_hour_and_nothing_more_is_written(client: Client) -> None:
    # given: a viewer who exported 20 times (gifts and pledges together)
    staff = make_staff(Role.VIEWER)
    sign_in(client, staff)
    for name in ("donations:gift_export", "donations:pledge_export") * 10:
        response = post_export(
            client, reverse(name, kwargs={"organisation_id": staff.organisation.public_id})
        )
        assert response.status_code == 200
    before = written()

    # when: once more
    response = post_export(
        client,
        reverse("donations:gift_export", kwargs={"organisation_id": staff.organisation.public_id}),
    )

    # then
    assert response.status_code == 429
    assert written() == before


@pytest.mark.django_db(transaction=True)  # the worker closes its connection on PostgreSQL
def test_pending_receipts_are_queued_again_and_sent_once() -> None:
    # given: a gift whose receipt task was lost (never queued), and one already sent
    campaign = make_campaign()
    deliver(
        Client(), gift_event(campaign=str(campaign.public_id), donor={"email": "a@example.org"})
    )
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    assert len(mail.outbox) == 1
    lost = _record(campaign.organisation, idempotency_key="staff:lost")
    from safepassage.donations.donor_sealing import seal_donor_value

    lost.receipt_email_envelope = seal_donor_value(
        gift_id=str(lost.public_id), field="receipt_email", text="b@example.org"
    )
    lost.save()

    # when
    call_command("send_pending_gift_receipts")
    call_command("send_pending_gift_receipts")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")

    # then: only the lost receipt is sent, once
    assert [message.to for message in mail.outbox] == [["a@example.org"], ["b@example.org"]]

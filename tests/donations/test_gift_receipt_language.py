"""A gift's receipt is written in the language the donor used at the provider's checkout
(the delivery's ``language``), kept with the gift so a receipt queued again after an outage
is in it too; not in the provider's Accept-Language, which says nothing about the donor."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from safepassage.donations.models import Gift
from tests.donations.gift_factories import deliver, gift_event, make_campaign

pytestmark = pytest.mark.django_db(transaction=True)  # the worker closes its connection

DONOR = {"name": "Саша", "email": "sasha@example.org", "anonymous": False}


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")


def _deliver(client: Client, **fields: object) -> Gift:
    campaign = make_campaign(title="Вечер в Гонконге")
    response = deliver(client, gift_event(campaign=str(campaign.public_id), donor=DONOR, **fields))
    assert response.status_code == 200, response.content
    return Gift.objects.get()


@pytest.mark.parametrize("language", ["ru", "ru-RU", "RU"])
def test_a_donor_who_gave_in_russian_gets_the_receipt_in_russian(
    client: Client, language: str
) -> None:
    # Given a delivery saying the donor used Russian at the checkout
    gift = _deliver(client, language=language)

    # When the worker sends the receipt
    _run_worker()

    # Then it is in Russian, subject and body, and the gift keeps the language
    assert gift.receipt_language == "ru"
    message = mail.outbox[0]
    assert message.subject.startswith("Ваше пожертвование")
    assert "Спасибо" in message.body
    assert "Thank you" not in message.body


def test_the_provider_s_own_language_header_does_not_choose_the_receipt_s(
    client: Client,
) -> None:
    # Given a delivery without a language, sent by a provider asking for Russian pages
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ru"
    gift = _deliver(client)

    # When the receipt goes out, then it is in the site's default language
    _run_worker()
    assert gift.receipt_language == "en"
    assert "Thank you" in mail.outbox[0].body


def test_a_language_the_site_does_not_speak_falls_back_and_the_gift_is_recorded(
    client: Client,
) -> None:
    gift = _deliver(client, language="de-AT")

    _run_worker()

    assert gift.receipt_language == "en"
    assert "Thank you" in mail.outbox[0].body


def test_a_language_that_is_not_text_is_refused_and_nothing_is_recorded(client: Client) -> None:
    campaign = make_campaign()

    response = deliver(
        client, gift_event(campaign=str(campaign.public_id), donor=DONOR, language=["ru"])
    )

    assert response.status_code == 400
    assert not Gift.objects.exists()
    assert mail.outbox == []


def test_a_receipt_queued_again_after_an_outage_keeps_the_donor_s_language(
    client: Client,
) -> None:
    # Given a Russian donor's gift whose receipt task was lost
    _deliver(client, language="ru")
    DBTaskResult.objects.all().delete()

    # When the operator queues pending receipts again and the worker runs
    call_command("send_pending_gift_receipts")
    _run_worker()

    # Then the receipt is still in Russian
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Ваше пожертвование")

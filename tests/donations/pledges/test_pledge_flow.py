"""The donor's pledge flow over HTTP: pledge, confirm, manage, change, withdraw."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from safepassage.audit.models import AuditEvent
from safepassage.core.money import Miles
from safepassage.donations.models import BookingForOthers, Campaign, Pledge, PledgeStatus
from safepassage.donations.pledges.selectors import get_balance, get_pledge_ref
from safepassage.donations.pledges.tokens import (
    make_confirm_token,
    make_manage_token,
    new_submission_token,
)
from safepassage.ledger.actions import do_reserve_miles
from safepassage.ledger.models import LedgerTransaction
from safepassage.ledger.selectors import verify_ledger
from tests.donations.pledges.factories import (
    DONOR_EMAIL,
    DONOR_NAME,
    confirmed_pledge,
    in_days,
    make_bank_points,
    make_program,
    submit_pledge,
)
from tests.events.factories import EventFactory
from tests.factories import OrganisationFactory

# Real commits, so e-mail tasks queued on commit reach the worker.
pytestmark = pytest.mark.django_db(transaction=True)

PLEDGE_URL = reverse("donations:pledge")


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")


def _form(program_id: int, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "program": program_id,
        "miles": 40_000,
        "expires_on": in_days(200).isoformat(),
        "donor_name": DONOR_NAME,
        "email": DONOR_EMAIL,
        "is_anonymous": "on",
        "submission_token": new_submission_token(),
    }
    data.update(overrides)
    return data


def test_a_pledge_is_stored_sealed_and_the_confirmation_link_is_mailed() -> None:
    # given
    program = make_program(minimum=25_000)

    # when
    response = Client().post(PLEDGE_URL, _form(program.pk))
    _run_worker()

    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("donations:pledge_sent")
    pledge = Pledge.objects.get()
    assert pledge.status == PledgeStatus.UNCONFIRMED
    assert DONOR_EMAIL.encode() not in bytes(pledge.donor_email_envelope or b"")
    assert DONOR_NAME.encode() not in bytes(pledge.donor_name_envelope or b"")
    for task in DBTaskResult.objects.all():
        assert DONOR_EMAIL not in str(task.args_kwargs)
    for event in AuditEvent.objects.all():
        assert DONOR_EMAIL not in f"{event.actor}{event.object_ref}{event.action}"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [DONOR_EMAIL]
    assert make_confirm_token(pledge.public_id).split(":")[0] in mail.outbox[0].body
    assert LedgerTransaction.objects.count() == 0  # nothing pledged before confirmation
    assert pledge.language == "en"


def test_a_pledge_made_in_russian_keeps_russian_for_its_emails() -> None:
    Client().post(PLEDGE_URL, _form(make_program().pk), headers={"accept-language": "ru"})

    assert Pledge.objects.get().language == "ru"


def test_the_same_form_sent_twice_makes_one_pledge_and_one_email() -> None:
    # given: a double click, or a retry after a timeout, resends the same form
    data = _form(make_program().pk)

    # when
    first = Client().post(PLEDGE_URL, data)
    second = Client().post(PLEDGE_URL, data)
    _run_worker()

    # then
    assert first["Location"] == second["Location"]
    assert Pledge.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_forged_form_token_is_refused() -> None:
    response = Client().post(PLEDGE_URL, _form(make_program().pk, submission_token="abc"))

    assert response.status_code == 200
    assert Pledge.objects.count() == 0


@pytest.mark.parametrize(
    ("program_kwargs", "overrides", "field", "message"),
    [
        ({"minimum": 50_000}, {}, "miles", "at least 50,000"),
        ({"booking": BookingForOthers.FAMILY_ONLY}, {}, "program", "only lets members book"),
        ({"booking": BookingForOthers.NOT_ALLOWED}, {}, "program", "only lets members book"),
        (
            {"booking": BookingForOthers.NAMED_NOMINEES, "nominee_limit": 5},
            {},
            "max_travellers",
            "only for named people",
        ),
        (
            {"booking": BookingForOthers.NAMED_NOMINEES, "nominee_limit": 5},
            {"max_travellers": 6},
            "max_travellers",
            "at most 5",
        ),
        ({}, {"expires_on": in_days(0).isoformat()}, "expires_on", "in the future"),
        (
            {},
            {"contact_before": in_days(300).isoformat()},
            "contact_before",
            "between today and the expiry date",
        ),
        ({"is_active": False}, {}, "program", "valid choice"),
    ],
)
def test_the_program_rules_are_checked_with_clear_messages(
    program_kwargs: dict[str, object], overrides: dict[str, object], field: str, message: str
) -> None:
    # given
    program = make_program(**program_kwargs)  # type: ignore[arg-type]  # parametrised keywords

    # when
    response = Client().post(PLEDGE_URL, _form(program.pk, **overrides))

    # then
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors.get(field, [])), errors
    assert Pledge.objects.count() == 0
    assert len(mail.outbox) == 0


def test_bank_points_name_a_transfer_partner_whose_rules_count() -> None:
    # given
    airline = make_program()
    bank = make_bank_points(partner=airline)
    other_airline = make_program()

    # when
    missing = Client().post(PLEDGE_URL, _form(bank.pk))
    wrong = Client().post(PLEDGE_URL, _form(bank.pk, transfer_partner=other_airline.pk))
    right = Client().post(PLEDGE_URL, _form(bank.pk, transfer_partner=airline.pk))

    # then
    assert "Choose the airline program" in str(missing.context["form"].errors)
    assert "do not transfer" in str(wrong.context["form"].errors)
    assert right.status_code == 302
    assert Pledge.objects.get().transfer_partner == airline


def test_confirming_posts_the_miles_once_and_mails_the_management_link() -> None:
    # given
    pledge = submit_pledge(miles=30_000)
    url = reverse(
        "donations:pledge_confirm", kwargs={"token": make_confirm_token(pledge.public_id)}
    )
    client = Client()

    # when
    shown = client.get(url)
    confirmed = client.post(url)
    again = client.post(url)
    _run_worker()

    # then
    assert shown.status_code == 200
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.CONFIRMED
    manage_url = reverse(
        "donations:pledge_manage", kwargs={"token": make_manage_token(pledge.public_id)}
    )
    assert confirmed["Location"].split(":")[0] == manage_url.split(":")[0]
    assert again.status_code == 302
    assert LedgerTransaction.objects.filter(kind="pledge").count() == 1
    assert get_balance(pledge=pledge).available.amount == 30_000
    bodies = [message.body for message in mail.outbox]
    assert any("/donate/pledge/manage/" in body for body in bodies)


@pytest.mark.parametrize(
    "url_name", ["pledge_confirm", "pledge_manage", "pledge_change", "pledge_withdraw"]
)
def test_a_bad_or_foreign_token_answers_404(url_name: str) -> None:
    pledge = submit_pledge()
    # a confirmation token is not a management token, and vice versa
    foreign = (
        make_manage_token(pledge.public_id)
        if url_name == "pledge_confirm"
        else make_confirm_token(pledge.public_id)
    )

    for token in ("nonsense", foreign):
        response = Client().get(reverse(f"donations:{url_name}", kwargs={"token": token}))
        assert response.status_code == 404


def test_the_donor_can_raise_and_lower_the_pledge_but_not_below_what_is_set_aside() -> None:
    # given
    pledge = confirmed_pledge(miles=40_000)
    do_reserve_miles(
        pledge=get_pledge_ref(pledge=pledge),
        amount=Miles(amount=25_000, program=pledge.program.code),
        idempotency_key="reserve:test",
        reference="ticket:T",
        actor_ref="system",
    )
    url = reverse("donations:pledge_change", kwargs={"token": make_manage_token(pledge.public_id)})
    client = Client()

    def change(miles: int) -> int:
        token = new_submission_token()
        data = {"miles": miles, "expires_on": in_days(400).isoformat(), "change_token": token}
        return client.post(url, data).status_code

    # when / then
    assert change(60_000) == 302
    assert get_balance(pledge=pledge).available.amount == 35_000
    assert change(30_000) == 302
    assert get_balance(pledge=pledge).available.amount == 5_000
    assert change(20_000) == 200  # below the 25,000 set aside
    balance = get_balance(pledge=pledge)
    assert (balance.available.amount, balance.reserved.amount) == (5_000, 25_000)
    pledge.refresh_from_db()
    assert pledge.miles == 30_000
    assert pledge.expires_on == in_days(400)
    assert verify_ledger().lines == []


def test_a_change_form_sent_again_with_other_miles_keeps_the_ledger_and_the_pledge_equal() -> None:
    # given one rendering of the change form (its token) for a 40,000-mile pledge
    pledge = confirmed_pledge(miles=40_000)
    url = reverse("donations:pledge_change", kwargs={"token": make_manage_token(pledge.public_id)})
    client = Client(raise_request_exception=False)
    token = new_submission_token()

    def change(miles: int) -> int:
        data = {"miles": miles, "expires_on": in_days(400).isoformat(), "change_token": token}
        return client.post(url, data).status_code

    # when the donor sends it, goes back, edits the number and sends it again (twice)
    statuses = [change(50_000), change(50_000), change(55_000), change(30_000)]

    # then every send is taken, the last number counts, and the ledger agrees with the pledge
    assert statuses == [302, 302, 302, 302]
    pledge.refresh_from_db()
    balance = get_balance(pledge=pledge)
    assert pledge.miles == balance.available.amount == 30_000
    assert balance.withdrawn.amount == 25_000
    assert verify_ledger().lines == []


def test_the_confirmation_link_of_a_withdrawn_pledge_confirms_nothing_and_says_nothing() -> None:
    # given a pledge confirmed and then withdrawn
    pledge = confirmed_pledge(miles=40_000)
    Client().post(
        reverse("donations:pledge_withdraw", kwargs={"token": make_manage_token(pledge.public_id)})
    )
    confirm = reverse(
        "donations:pledge_confirm", kwargs={"token": make_confirm_token(pledge.public_id)}
    )

    # when the donor opens the confirmation e-mail again and confirms
    page = Client().post(confirm, follow=True)

    # then the page shows the withdrawn pledge without thanking them for a confirmation
    assert page.status_code == 200
    assert "your pledge is confirmed" not in page.text
    assert "Withdrawn" in page.text
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.WITHDRAWN
    assert get_balance(pledge=pledge).available.amount == 0


def test_withdrawing_releases_the_available_miles_and_keeps_reserved_ones() -> None:
    # given
    pledge = confirmed_pledge(miles=40_000)
    do_reserve_miles(
        pledge=get_pledge_ref(pledge=pledge),
        amount=Miles(amount=10_000, program=pledge.program.code),
        idempotency_key="reserve:w",
        reference="ticket:T",
        actor_ref="system",
    )
    url = reverse(
        "donations:pledge_withdraw", kwargs={"token": make_manage_token(pledge.public_id)}
    )

    # when
    Client().post(url)
    Client().post(url)

    # then
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.WITHDRAWN
    balance = get_balance(pledge=pledge)
    assert (balance.available.amount, balance.reserved.amount, balance.withdrawn.amount) == (
        0,
        10_000,
        30_000,
    )
    assert LedgerTransaction.objects.filter(kind="withdraw").count() == 1
    assert pledge.donor_email_envelope is not None  # a traveller still holds miles


def test_withdrawing_with_nothing_reserved_forgets_the_donor() -> None:
    pledge = confirmed_pledge(miles=40_000)

    Client().post(
        reverse("donations:pledge_withdraw", kwargs={"token": make_manage_token(pledge.public_id)})
    )

    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.WITHDRAWN
    assert pledge.donor_email_envelope is None
    assert pledge.donor_name_envelope is None
    assert get_balance(pledge=pledge).withdrawn.amount == 40_000


def test_a_pledge_for_a_campaign_is_counted_for_it_and_its_only_event() -> None:
    # given
    organisation = OrganisationFactory.create()
    campaign = Campaign.objects.create(
        slug="spring",
        title="Spring",
        organisation=organisation,
        starts_on=in_days(-5),
        is_published=True,
    )
    hidden = Campaign.objects.create(
        slug="hidden", title="Hidden", organisation=organisation, starts_on=in_days(-5)
    )
    event = EventFactory.create(organiser=organisation, campaign=campaign)
    program = make_program()

    # when
    page = Client().get(reverse("donations:pledge_for_campaign", kwargs={"slug": "spring"}))
    posted = Client().post(
        reverse("donations:pledge_for_campaign", kwargs={"slug": "spring"}), _form(program.pk)
    )
    missing = Client().get(reverse("donations:pledge_for_campaign", kwargs={"slug": hidden.slug}))

    # then
    assert "Spring" in page.content.decode()
    assert posted.status_code == 302
    assert Pledge.objects.get().campaign == campaign
    assert Pledge.objects.get().event == event
    assert missing.status_code == 404

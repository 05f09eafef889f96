"""Expiry reminders, expiry postings, redemptions with impact notes, the staff forecast."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.core.ledger import InsufficientBalanceError
from safepassage.core.money import Miles
from safepassage.donations.models import Campaign, Pledge, PledgeStatus
from safepassage.donations.pledges import actions
from safepassage.donations.pledges.selectors import (
    forecast_expiring_miles,
    get_balance,
    get_pledge_ref,
)
from safepassage.donations.pledges.tasks import run_pledge_expiry
from safepassage.ledger.actions import do_reserve_miles
from safepassage.ledger.models import LedgerTransaction
from safepassage.ledger.selectors import verify_ledger
from tests.donations.pledges.factories import (
    DONOR_EMAIL,
    confirmed_pledge,
    in_days,
    make_program,
    submit_pledge,
)
from tests.factories import OrganisationFactory, make_staff, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

FORECAST_URL = reverse("donations:pledge_forecast")


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")


def _reserve(pledge_miles: int, reserved: int, *, expires_in_days: int = 365) -> Pledge:
    pledge = confirmed_pledge(miles=pledge_miles, expires_in_days=expires_in_days)
    do_reserve_miles(
        pledge=get_pledge_ref(pledge=pledge),
        amount=Miles(amount=reserved, program=pledge.program.code),
        idempotency_key=f"reserve:{pledge.public_id}",
        reference="ticket:T",
        actor_ref="system",
    )
    return pledge


def test_a_reminder_is_sent_once_per_expiry_date() -> None:
    # given
    soon = confirmed_pledge(expires_in_days=10)
    confirmed_pledge(expires_in_days=200)  # not yet
    _run_worker()
    mail.outbox.clear()

    # when
    first = actions.do_send_expiry_reminders(today=in_days(0))
    second = actions.do_send_expiry_reminders(today=in_days(0))
    _run_worker()

    # then
    assert (first, second) == (1, 0)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [DONOR_EMAIL]
    assert "/donate/pledge/manage/" in mail.outbox[0].body
    soon.refresh_from_db()
    assert soon.reminded_for_expiry_on == soon.expires_on


def test_no_reminder_after_the_donors_contact_date() -> None:
    confirmed_pledge(expires_in_days=20, contact_before=in_days(5))
    _run_worker()
    mail.outbox.clear()

    assert actions.do_send_expiry_reminders(today=in_days(6)) == 0


def test_expiries_are_posted_once_after_the_date() -> None:
    # given
    pledge = confirmed_pledge(miles=30_000, expires_in_days=3)

    # when
    before = actions.do_post_expiries(today=in_days(3))
    after = actions.do_post_expiries(today=in_days(4))
    again = actions.do_post_expiries(today=in_days(5))

    # then
    assert (before, after, again) == (0, 1, 0)
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.EXPIRED
    balance = get_balance(pledge=pledge)
    assert (balance.available.amount, balance.expired.amount) == (0, 30_000)
    assert pledge.donor_email_envelope is None
    assert verify_ledger().lines == []


def test_the_daily_command_posts_expiries() -> None:
    confirmed_pledge(expires_in_days=3)
    out = StringIO()

    call_command("pledge_expiry", "--date", in_days(4).isoformat(), stdout=out)

    assert "Expiries posted: 1." in out.getvalue()
    assert LedgerTransaction.objects.filter(kind="expire").count() == 1


def test_reserved_miles_are_not_expired_behind_the_travellers_back() -> None:
    pledge = _reserve(30_000, 20_000, expires_in_days=3)

    actions.do_post_expiries(today=in_days(4))

    balance = get_balance(pledge=pledge)
    assert (balance.available.amount, balance.reserved.amount, balance.expired.amount) == (
        0,
        20_000,
        10_000,
    )


def test_the_daily_task_posts_expiries_and_reminders() -> None:
    confirmed_pledge(expires_in_days=3)
    confirmed_pledge(expires_in_days=20)

    run_pledge_expiry.enqueue(today=in_days(4).isoformat())
    _run_worker()

    assert LedgerTransaction.objects.filter(kind="expire").count() == 1
    assert any("expire on" in message.body for message in mail.outbox)


def test_the_daily_task_forgets_donors_who_never_confirmed_once_their_link_has_expired() -> None:
    # given a pledge never confirmed, and one confirmed, both with a sealed name and address
    never = submit_pledge()
    confirmed = confirmed_pledge()

    # when the daily upkeep runs a week later (the link still works) and again a day after
    run_pledge_expiry.enqueue(today=in_days(7).isoformat())
    _run_worker()
    never.refresh_from_db()
    kept_while_the_link_works = never.donor_email_envelope is not None
    run_pledge_expiry.enqueue(today=in_days(8).isoformat())
    run_pledge_expiry.enqueue(today=in_days(9).isoformat())
    _run_worker()

    # then only the unconfirmed pledge's donor is forgotten, once, and audited by reference
    never.refresh_from_db()
    confirmed.refresh_from_db()
    assert kept_while_the_link_works
    assert (never.donor_name_envelope, never.donor_email_envelope) == (None, None)
    assert never.status == PledgeStatus.UNCONFIRMED
    assert confirmed.donor_email_envelope is not None
    event = AuditEvent.objects.get(action="pledge.donor_forgotten")
    assert event.object_ref == str(never.public_id)


def test_a_redemption_posts_once_and_sends_an_impact_note_naming_no_one() -> None:
    # given
    pledge = _reserve(50_000, 35_000)
    _run_worker()
    mail.outbox.clear()

    # when
    first = actions.do_record_redemption(
        pledge_id=pledge.public_id,
        miles=35_000,
        travellers=1,
        booking_ref="7f0c2b9e-booking",
        actor_ref="system",
    )
    second = actions.do_record_redemption(
        pledge_id=pledge.public_id,
        miles=35_000,
        travellers=1,
        booking_ref="7f0c2b9e-booking",
        actor_ref="system",
    )
    _run_worker()

    # then
    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Your 35,000 miles flew one person to safety." in body
    assert "7f0c2b9e" not in body
    assert get_balance(pledge=pledge).redeemed.amount == 35_000
    assert AuditEvent.objects.filter(action="pledge.redeemed").count() == 1


def test_several_travellers_are_counted_not_named() -> None:
    pledge = _reserve(90_000, 80_000)
    _run_worker()
    mail.outbox.clear()

    actions.do_record_redemption(
        pledge_id=pledge.public_id,
        miles=80_000,
        travellers=2,
        booking_ref="b-2",
        actor_ref="system",
    )
    _run_worker()

    assert "Your 80,000 miles flew 2 people to safety." in mail.outbox[0].body


def test_a_redemption_of_unreserved_miles_is_refused_and_nothing_is_sent() -> None:
    pledge = confirmed_pledge(miles=50_000)
    _run_worker()
    mail.outbox.clear()

    with pytest.raises(InsufficientBalanceError):
        actions.do_record_redemption(
            pledge_id=pledge.public_id,
            miles=35_000,
            travellers=1,
            booking_ref="b-3",
            actor_ref="system",
        )
    _run_worker()

    assert mail.outbox == []
    assert LedgerTransaction.objects.filter(kind="redeem").count() == 0


def test_the_forecast_counts_available_miles_by_program_and_window() -> None:
    # given
    program = make_program()
    organisation = OrganisationFactory.create()
    other = OrganisationFactory.create()
    own_campaign = Campaign.objects.create(
        slug="own", title="Own", organisation=organisation, starts_on=in_days(-10)
    )
    other_campaign = Campaign.objects.create(
        slug="other", title="Other", organisation=other, starts_on=in_days(-10)
    )
    confirmed_pledge(program=program, miles=20_000, expires_in_days=10, campaign=own_campaign)
    confirmed_pledge(program=program, miles=30_000, expires_in_days=60)  # shared pool
    confirmed_pledge(program=program, miles=70_000, expires_in_days=10, campaign=other_campaign)
    confirmed_pledge(program=program, miles=90_000, expires_in_days=200)

    # when
    rows = forecast_expiring_miles(organisations=[organisation], today=in_days(0))

    # then
    assert [(row.program_code, row.pledges, row.within_30, row.within_90) for row in rows] == [
        (program.code, 2, 20_000, 50_000)
    ]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FUNDRAISER])
def test_fundraisers_and_admins_see_the_forecast(role: str) -> None:
    staff = make_staff(role)
    confirmed_pledge(miles=20_000, expires_in_days=10)

    response = sign_in(Client(), staff).get(FORECAST_URL)

    assert response.status_code == 200
    assert "20000" in response.content.decode()


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.TRAVEL_COORDINATOR, Role.VIEWER])
def test_other_roles_are_refused_the_forecast_and_nothing_is_written_or_sent(role: str) -> None:
    staff = make_staff(role)
    confirmed_pledge(miles=20_000, expires_in_days=10)
    _run_worker()
    mail.outbox.clear()
    events, transactions = AuditEvent.objects.count(), LedgerTransaction.objects.count()

    response = sign_in(Client(), staff).get(FORECAST_URL)
    _run_worker()

    assert response.status_code == 403
    assert "20000" not in response.content.decode()
    assert mail.outbox == []
    assert LedgerTransaction.objects.count() == transactions
    assert AuditEvent.objects.count() == events

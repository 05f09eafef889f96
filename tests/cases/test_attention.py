"""When the system moves a case back (a booked ticket cancelled or declined before
departure), the people handling it find out: a "needs attention" item on their case list
(and a line on their dashboard) until they dismiss it, and an e-mail that says only that a
case their organisation works on needs attention (SR-18). Audited with references only."""

from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safepassage.accounts.models import Membership
from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.bookings import actions
from safepassage.cases.actions import do_system_transition, do_transition_case
from safepassage.cases.errors import TransitionRefused
from safepassage.cases.models import CaseAttention, CaseState
from safepassage.cases.models.case import TransitionReason
from safepassage.cases.referral_actions import (
    Consent,
    do_accept_referral,
    do_refer_case,
    do_revoke_referral,
)
from safepassage.cases.selectors import count_my_attention, list_my_attention
from safepassage.core.case_workflow import ReasonCode
from safepassage.core.crypto import SensitiveGroup
from safepassage.organisations.models import Partnership
from tests.bookings.factories import committed, make_network
from tests.cases.attention_factories import CANARY_NAME, CANARY_PHONE, rebooked, ticketed_trip
from tests.cases.factories import (
    keyed_organisation,
    make_case,
    make_keyed_staff,
    sign_in_with_keys,
)
from tests.factories import make_staff, sign_in

pytestmark = pytest.mark.django_db

CANCELLED = "A booked ticket was cancelled before departure"


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")


def _queue_page(client: Client) -> str:
    return client.get(reverse("cases:queue")).content.decode()


def _queued_notices() -> list[dict[str, Any]]:
    """The arguments of every queued "needs attention" e-mail, oldest first."""
    return [
        result.args_kwargs
        for result in DBTaskResult.objects.filter(
            task_path__endswith="send_case_attention_notice"
        ).order_by("enqueued_at")
    ]


def test_cancelling_a_booked_ticket_tells_the_caseworker_not_the_coordinator_who_did_it() -> None:
    # given a ticketed case with its caseworker and the coordinator on it
    network = make_network()
    trip, booking = ticketed_trip(network)
    # when the coordinator cancels the booked ticket before departure
    with committed():
        actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
    # then the caseworker has one item saying why; the coordinator, who knows, has none
    item = CaseAttention.objects.get()
    assert item.recipient == network.caseworker.user
    assert item.case == trip.case
    assert item.reason_code == TransitionReason.TICKET_CANCELLED
    assert item.transition.target == CaseState.TRAVEL_PLANNED
    assert not item.unassigned
    assert item.dismissed_on is None
    # and it is audited once, by reference only, as the system's
    event = AuditEvent.objects.get(action="case.attention_raised")
    assert (event.actor, event.object_type, event.object_ref, event.organisation) == (
        "system",
        "case",
        str(trip.case.public_id),
        str(network.organisation.public_id),
    )
    # and one e-mail is queued after the commit, naming the recipient by public id only
    [queued] = _queued_notices()
    assert queued == {
        "args": [],
        "kwargs": {"user_ids": [str(network.caseworker.user.public_id)]},
    }


def test_a_donor_declining_after_ticketing_tells_everyone_on_the_case() -> None:
    # given a cancelled ticket being booked again, the case marked ticketed by hand meanwhile
    network = make_network()
    trip, booking = ticketed_trip(network)
    actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
    replacement = rebooked(network, trip)
    do_transition_case(
        actor=network.coordinator.user,
        key_pair=network.coordinator.key_pair,
        case=trip.case,
        target=CaseState.TICKETED,
        reason="The airline confirmed by phone.",
    )
    CaseAttention.objects.all().delete()
    # when the donor declines from their link
    with committed():
        actions.do_decline_booking(booking=replacement, actor_ref="anonymous")
    # then the caseworker and the coordinator are both told why
    told = dict(CaseAttention.objects.values_list("recipient", "reason_code"))
    assert told == {
        network.caseworker.user.pk: TransitionReason.TICKET_DECLINED,
        network.coordinator.user.pk: TransitionReason.TICKET_DECLINED,
    }
    assert len(_queued_notices()[-1]["kwargs"]["user_ids"]) == 2


def test_booking_every_ticket_tells_nobody() -> None:
    # given a case ticketed by the donor's booking (a system move too)
    network = make_network()
    ticketed_trip(network)
    # then nothing asks for attention and no e-mail is queued
    assert not CaseAttention.objects.exists()
    assert _queued_notices() == []


def test_with_no_caseworker_on_the_case_its_organisations_admins_are_told() -> None:
    # given a ticketed case whose caseworker lost their role, an admin of the organisation
    # and an admin of another organisation
    network = make_network()
    trip, booking = ticketed_trip(network)
    Membership.objects.filter(user=network.caseworker.user).update(role=Role.VIEWER)
    admin = make_staff(Role.ADMIN, network.organisation)
    stranger = make_staff(Role.ADMIN)
    # when a donor's ticket is cancelled
    actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
    # then the admin is told, flagged as told for want of a caseworker; nobody else is
    item = CaseAttention.objects.get()
    assert item.recipient == admin.user
    assert item.unassigned
    assert not CaseAttention.objects.filter(recipient=stranger.user).exists()
    # and the admin, who is not on the case, sees the code without a link to its page
    page = _queue_page(sign_in(Client(), admin))
    assert trip.case.code in page
    assert reverse("cases:detail", kwargs={"case_id": trip.case.public_id}) not in page
    assert "admins are told" in page


def test_a_cancellation_rolled_back_leaves_no_item_and_queues_no_e_mail() -> None:
    # given a ticketed case
    network = make_network()
    trip, booking = ticketed_trip(network)

    # when the cancellation's transaction fails after the case was moved back
    def cancel_then_fail() -> None:
        with transaction.atomic():
            actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
            assert CaseAttention.objects.exists()
            raise RuntimeError

    with committed(), pytest.raises(RuntimeError):
        cancel_then_fail()
    # then no item stays and no e-mail is queued
    assert not CaseAttention.objects.exists()
    assert _queued_notices() == []
    trip.case.refresh_from_db()
    assert trip.case.state == CaseState.TICKETED


def test_a_refused_move_raises_nothing() -> None:
    # given a case already back in "travel planned"
    network = make_network()
    trip, booking = ticketed_trip(network)
    actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
    CaseAttention.objects.all().delete()
    # when the reopening move is tried again
    with committed(), pytest.raises(TransitionRefused):
        do_system_transition(
            case=trip.case,
            target=CaseState.TRAVEL_PLANNED,
            reason_code=ReasonCode.TICKET_CANCELLED,
            actor_ref="anonymous",
        )
    # then nothing was written and nothing queued
    assert not CaseAttention.objects.exists()
    assert _queued_notices() == []


def test_the_case_list_and_the_dashboard_show_the_item_to_its_recipient_only() -> None:
    # given a cancelled ticket; a colleague caseworker not on the case; another
    # organisation's caseworker
    network = make_network()
    trip, booking = ticketed_trip(network)
    colleague = make_keyed_staff(Role.CASEWORKER, network.organisation)
    stranger = make_keyed_staff(Role.CASEWORKER, make_network().organisation)
    actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
    # when the caseworker on the case opens the case list and the dashboard
    client = sign_in_with_keys(Client(), network.caseworker)
    page = _queue_page(client)
    dashboard = client.get(reverse("site:dashboard")).content.decode()
    # then they see the case, why, and a way to dismiss it; the dashboard points there
    attention = page.split("Needs your attention</h2>", 1)[1].split("</section>", 1)[0]
    assert trip.case.code in attention
    assert CANCELLED in attention
    assert "Travel planned" in attention
    item = CaseAttention.objects.get()
    assert reverse("cases:dismiss_attention", kwargs={"attention_id": item.public_id}) in page
    assert "A case your organisation works on needs your attention." in dashboard
    assert reverse("cases:queue") in dashboard
    # and nobody else does: not the coordinator who cancelled, the colleague, the stranger
    for other in (network.coordinator, colleague, stranger):
        other_client = sign_in_with_keys(Client(), other)
        assert "Needs your attention" not in _queue_page(other_client)
        assert str(item.public_id) not in _queue_page(other_client)
        assert "needs your attention" not in other_client.get("/dashboard/").content.decode()


def test_the_item_speaks_russian() -> None:
    network = make_network()
    _trip, booking = ticketed_trip(network)
    actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
    client = sign_in_with_keys(Client(), network.caseworker)
    client.cookies["django_language"] = "ru"
    page = client.get(reverse("cases:queue"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Требует вашего внимания" in page
    assert CANCELLED not in page


def test_the_recipient_dismisses_the_item_once_seen() -> None:
    # given the caseworker's item
    network = make_network()
    _trip, booking = ticketed_trip(network)
    actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
    item = CaseAttention.objects.get()
    url = reverse("cases:dismiss_attention", kwargs={"attention_id": item.public_id})
    client = sign_in_with_keys(Client(), network.caseworker)
    # when they dismiss it
    response = client.post(url)
    # then it is gone from their list, kept as dismissed today, and audited
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:queue")
    item.refresh_from_db()
    assert item.dismissed_on is not None
    assert "Needs your attention" not in _queue_page(client)
    event = AuditEvent.objects.get(action="case.attention_dismissed")
    assert (event.actor, event.object_ref) == (
        str(network.caseworker.user.public_id),
        str(item.case.public_id),
    )
    # and dismissing it again says so and writes nothing
    again = client.post(url)
    assert again.status_code == 200
    assert "You already dismissed this." in again.content.decode()
    assert AuditEvent.objects.filter(action="case.attention_dismissed").count() == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator on the case", 404),
        ("colleague caseworker", 404),
        ("admin of the organisation", 404),
        ("another organisation's admin", 404),
        ("fundraiser", 403),
        ("viewer", 403),
    ],
)
def test_nobody_else_may_dismiss_the_item_and_nothing_is_written(who: str, status: int) -> None:
    # given the caseworker's item, and someone else
    network = make_network()
    _trip, booking = ticketed_trip(network)
    actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
    item = CaseAttention.objects.get()
    others = {
        "coordinator on the case": lambda: network.coordinator.staff,
        "colleague caseworker": lambda: make_staff(Role.CASEWORKER, network.organisation),
        "admin of the organisation": lambda: make_staff(Role.ADMIN, network.organisation),
        "another organisation's admin": lambda: make_staff(Role.ADMIN),
        "fundraiser": lambda: make_staff(Role.FUNDRAISER, network.organisation),
        "viewer": lambda: make_staff(Role.VIEWER, network.organisation),
    }
    client = sign_in(Client(), others[who]())
    url = reverse("cases:dismiss_attention", kwargs={"attention_id": item.public_id})
    events = AuditEvent.objects.count()
    # when they try to see or dismiss it
    assert client.get(url).status_code == status
    assert client.post(url).status_code == status
    # then it still waits for the caseworker, and nothing was recorded
    item.refresh_from_db()
    assert item.dismissed_on is None
    assert AuditEvent.objects.count() == events


def test_a_recipient_who_lost_their_case_role_no_longer_sees_the_item() -> None:
    # given the caseworker's item
    network = make_network()
    _trip, booking = ticketed_trip(network)
    actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
    assert list_my_attention(user=network.caseworker.user).count() == 1
    # when their role in the organisation becomes fundraiser
    Membership.objects.filter(user=network.caseworker.user).update(role=Role.FUNDRAISER)
    # then neither the list nor the dashboard shows it any more
    assert list_my_attention(user=network.caseworker.user).count() == 0
    assert count_my_attention(user=network.caseworker.user) == 0
    dashboard = sign_in(Client(), network.caseworker.staff).get("/dashboard/").content.decode()
    assert "needs your attention" not in dashboard


@pytest.mark.django_db(transaction=True)
def test_the_e_mail_says_only_that_a_case_needs_attention() -> None:
    # given a ticketed case whose applicant's name and phone are sealed in it, and whose
    # travellers' passport names went to the donor
    network = make_network()
    trip, booking = ticketed_trip(network)
    mail.outbox.clear()
    # when the coordinator cancels the booked ticket and the worker runs
    actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
    mail.outbox.clear()  # the donor's cancellation e-mail, if any, is not ours
    _run_worker()
    # then the caseworker gets one e-mail, in both languages, with a link to sign in
    notices = [message for message in mail.outbox if "needs attention" in message.subject]
    assert [message.to for message in notices] == [[network.caseworker.user.email]]
    notice = notices[0]
    text = f"{notice.subject}\n{notice.body}"
    assert "A case your organisation works on needs attention" in notice.subject
    assert "Кейс, над которым работает ваша организация, требует внимания" in notice.subject
    assert settings.SITE_BASE_URL.rstrip("/") + reverse("cases:queue") in notice.body
    # and nothing about the case, the applicant or the travellers
    for secret in (
        CANARY_NAME,
        CANARY_PHONE,
        trip.case.code,
        str(trip.case.public_id),
        "CANARY TRAVELLER",
        "CANARYDOC",
        "QX7LMB",
        "cancel",
        "ticket",
        "отмен",
        "билет",
        network.coordinator.user.email,
    ):
        assert secret.lower() not in text.lower()


@pytest.mark.django_db(transaction=True)
def test_an_admin_told_for_want_of_a_caseworker_gets_an_e_mail_that_is_true_for_them() -> None:
    # given a ticketed case with no caseworker left on it and an admin who is not on it
    network = make_network()
    trip, booking = ticketed_trip(network)
    Membership.objects.filter(user=network.caseworker.user).update(role=Role.VIEWER)
    admin = make_staff(Role.ADMIN, network.organisation)
    # when a booked ticket is cancelled and the worker runs
    actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
    mail.outbox.clear()
    _run_worker()
    # then the admin's e-mail speaks of a case of their organisation, not one they work on
    (notice,) = [message for message in mail.outbox if "needs attention" in message.subject]
    assert notice.to == [admin.user.email]
    text = f"{notice.subject}\n{notice.body}"
    assert "a case your organisation works on" in text
    assert "кейсов, над которыми работает ваша организация" in text
    assert "you work on" not in text
    assert "вы работаете" not in text
    # and it names nothing of the case either
    assert trip.case.code not in text
    assert str(trip.case.public_id) not in text


def test_the_case_page_shows_the_item_to_its_recipient_and_dismissing_it_there_comes_back() -> None:
    # given the caseworker's item on a case the coordinator is on too
    network = make_network()
    trip, booking = ticketed_trip(network)
    actions.do_cancel_booking(booking=booking, actor=network.coordinator.user)
    item = CaseAttention.objects.get()
    detail = reverse("cases:detail", kwargs={"case_id": trip.case.public_id})
    client = sign_in_with_keys(Client(), network.caseworker)
    # when the caseworker opens the case
    page = client.get(detail).content.decode()
    # then it says what needs their attention, with a way to dismiss it
    assert CANCELLED in page.split("</h1>", 1)[1].split("case-facts", 1)[0]
    dismiss = reverse("cases:dismiss_attention", kwargs={"attention_id": item.public_id})
    assert dismiss in page
    # and the coordinator's view of the same case shows no such item
    coordinator_page = sign_in_with_keys(Client(), network.coordinator).get(detail)
    assert dismiss not in coordinator_page.content.decode()
    # when the caseworker dismisses it from the case page
    response = client.post(dismiss, {"back": "case"})
    # then they are back on the case, without the item
    assert response.status_code == 302
    assert response["Location"] == detail
    assert dismiss not in client.get(detail).content.decode()


def test_a_referred_case_tells_both_organisations_and_only_while_the_referral_lasts() -> None:
    # given a ticketed case referred (access kept) to a partner whose caseworker accepted it,
    # and a third organisation's admin
    sender_organisation, _ = keyed_organisation()
    receiver_organisation, _ = keyed_organisation()
    Partnership.objects.create(organisation=sender_organisation, partner=receiver_organisation)
    Partnership.objects.create(organisation=receiver_organisation, partner=sender_organisation)
    sender = make_keyed_staff(Role.CASEWORKER, sender_organisation)
    receiver = make_keyed_staff(Role.CASEWORKER, receiver_organisation)
    stranger = make_staff(Role.ADMIN)
    case = make_case(actor=sender)
    referral = do_refer_case(
        actor=sender.user,
        key_pair=sender.key_pair,
        case=case,
        to_organisation=receiver_organisation,
        groups=[SensitiveGroup.IDENTITY],
        consent=Consent(given_by="x", given_on=timezone.localdate(), how_obtained="y"),
        sender_keeps_access=True,
        expires_on=None,
    )
    do_accept_referral(actor=receiver.user, key_pair=receiver.key_pair, referral=referral)
    case.state = CaseState.TICKETED
    case.save(update_fields=["state"])
    # when the system sends the case back
    do_system_transition(
        case=case,
        target=CaseState.TRAVEL_PLANNED,
        reason_code=ReasonCode.TICKET_CANCELLED,
        actor_ref="anonymous",
    )
    # then both caseworkers are told, each seeing only their own item
    items = {item.recipient_id: item for item in CaseAttention.objects.all()}
    assert set(items) == {sender.user.pk, receiver.user.pk}
    assert [i.pk for i in list_my_attention(user=receiver.user)] == [items[receiver.user.pk].pk]
    assert list_my_attention(user=stranger.user).count() == 0
    own = reverse(
        "cases:dismiss_attention", kwargs={"attention_id": items[receiver.user.pk].public_id}
    )
    other = reverse(
        "cases:dismiss_attention", kwargs={"attention_id": items[sender.user.pk].public_id}
    )
    receiver_client = sign_in_with_keys(Client(), receiver)
    assert receiver_client.get(other).status_code == 404
    assert sign_in(Client(), stranger).get(own).status_code == 404
    # when the sender ends the referral
    do_revoke_referral(actor=sender.user, referral=referral)
    # then the receiving side no longer sees or reaches its item; the sender still does
    assert list_my_attention(user=receiver.user).count() == 0
    assert receiver_client.post(own).status_code == 404
    assert list_my_attention(user=sender.user).count() == 1


def test_the_coordinator_cancelling_on_the_trip_page_puts_the_item_on_the_caseworkers_list() -> (
    None
):
    # given a ticketed case, the coordinator signed in on the trip's page
    network = make_network()
    trip, booking = ticketed_trip(network)
    coordinator = sign_in_with_keys(Client(), network.coordinator)
    # when they cancel the booked ticket there
    response = coordinator.post(
        reverse("bookings:booking_cancel", kwargs={"booking_id": booking.public_id})
    )
    # then the trip page follows, and the caseworker's case list says what happened
    assert response.status_code == 302
    attention = _queue_page(sign_in_with_keys(Client(), network.caseworker))
    assert trip.case.code in attention.split("Needs your attention</h2>", 1)[1]
    assert CANCELLED in attention
    # while the coordinator's own list has nothing to dismiss
    assert "Needs your attention" not in _queue_page(coordinator)

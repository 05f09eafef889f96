"""The donor's consent to booking with their delegated access (issue 6, item 7): asked on
the pledge form and the management page, kept only for programs that allow it, never a
password."""

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.audit.models import AuditEvent
from safepassage.donations.models import DelegatedBooking, Pledge, Program
from safepassage.donations.pledges import actions
from safepassage.donations.pledges.errors import DelegationNotOffered, PledgeNotOpen
from safepassage.donations.pledges.tokens import make_manage_token, new_submission_token
from tests.donations.factories import make_pledge
from tests.donations.pledges.factories import (
    DONOR_EMAIL,
    confirmed_pledge,
    in_days,
    make_bank_points,
    make_program,
)

pytestmark = pytest.mark.django_db

PLEDGE_URL = reverse("donations:pledge")


def _form(program_id: int, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "program": program_id,
        "miles": 40_000,
        "expires_on": in_days(200).isoformat(),
        "email": DONOR_EMAIL,
        "submission_token": new_submission_token(),
    }
    data.update(overrides)
    return data


def _manage(pledge: Pledge) -> str:
    return reverse("donations:pledge_manage", kwargs={"token": make_manage_token(pledge.public_id)})


def _delegation(pledge: Pledge) -> str:
    return reverse(
        "donations:pledge_delegation", kwargs={"token": make_manage_token(pledge.public_id)}
    )


def test_the_pledge_form_asks_naming_the_programs_and_never_for_a_password() -> None:
    # given one program that allows booking with the donor's access and one that does not
    allowed = make_program(delegated=DelegatedBooking.WITH_CONSENT)
    donor_only = make_program(delegated=DelegatedBooking.DONOR_MUST_BOOK)
    # when the donor opens the pledge form
    page = Client().get(PLEDGE_URL).text
    # then the question names the allowing program only, says access is shared outside
    # the site, and no field asks for a password
    assert 'name="delegated_booking_consent"' in page
    question = page.split('id="id_delegated_booking_consent_helptext"', 1)[1].split("</div>")[0]
    assert allowed.name in question
    assert donor_only.name not in question
    assert "never ask for your password" in page
    assert 'type="password"' not in page


def test_without_any_program_that_allows_it_the_form_does_not_ask() -> None:
    Program.objects.update(delegated_booking=DelegatedBooking.DONOR_MUST_BOOK)
    make_program(delegated=DelegatedBooking.DONOR_MUST_BOOK)
    page = Client().get(PLEDGE_URL).text
    assert "delegated_booking_consent" not in page


@pytest.mark.parametrize(
    ("rule", "ticked", "stored"),
    [
        (DelegatedBooking.WITH_CONSENT, True, True),
        (DelegatedBooking.WITH_CONSENT, False, False),
        (DelegatedBooking.DONOR_MUST_BOOK, True, False),
        (DelegatedBooking.UNKNOWN, True, False),
    ],
)
def test_a_plain_form_post_keeps_the_answer_only_where_the_program_allows_it(
    rule: str, ticked: bool, stored: bool
) -> None:
    # given a program with ``rule`` (and one that allows it, so the question is asked)
    make_program(delegated=DelegatedBooking.WITH_CONSENT)
    program = make_program(delegated=rule)
    data = _form(program.pk)
    if ticked:
        data["delegated_booking_consent"] = "on"  # a checkbox posts only when ticked
    # when the donor posts the form (no JavaScript involved)
    response = Client().post(PLEDGE_URL, data)
    # then the pledge is made and holds consent only where the program allows it
    assert response.status_code == 302
    assert Pledge.objects.get(program=program).delegated_booking_consent is stored


def test_bank_points_keep_no_consent_even_towards_an_airline_that_allows_it() -> None:
    # given card points (the donor must book) going to an airline that would allow it
    airline = make_program(delegated=DelegatedBooking.WITH_CONSENT)
    bank = make_bank_points(partner=airline)
    bank.delegated_booking = DelegatedBooking.DONOR_MUST_BOOK
    bank.save(update_fields=["delegated_booking"])
    # when the donor ticks the box
    response = Client().post(
        PLEDGE_URL,
        _form(bank.pk, transfer_partner=airline.pk, delegated_booking_consent="on"),
    )
    # then the stricter rule of the two wins
    assert response.status_code == 302
    assert Pledge.objects.get(program=bank).delegated_booking_consent is False


def test_existing_pledges_have_not_agreed() -> None:
    assert make_pledge(program_code="UA", miles=10_000).delegated_booking_consent is False


def test_the_donor_agrees_on_the_management_page_and_it_is_audited() -> None:
    # given a confirmed pledge of a program that allows it, without consent
    pledge = confirmed_pledge(program=make_program(delegated=DelegatedBooking.WITH_CONSENT))
    client = Client()
    page = client.get(_manage(pledge)).text
    assert "/booking-access/" in page
    # when the donor ticks the box and saves (a plain form post)
    response = client.post(_delegation(pledge), {"consent": "on"})
    # then it is stored and audited by the pledge's public id only
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert Pledge.objects.get(pk=pledge.pk).delegated_booking_consent is True
    event = AuditEvent.objects.get(action="pledge.delegation_agreed")
    assert event.object_ref == str(pledge.public_id)
    assert "You agreed that the fund may book" in client.get(_manage(pledge)).text
    # and posting without the box withdraws it
    client.post(_delegation(pledge), {})
    assert Pledge.objects.get(pk=pledge.pk).delegated_booking_consent is False
    assert AuditEvent.objects.filter(action="pledge.delegation_withdrawn").count() == 1


def test_for_a_program_where_the_donor_must_book_agreeing_is_refused_and_nothing_written() -> None:
    # given a pledge of a program whose rules say the donor books
    pledge = confirmed_pledge(program=make_program(delegated=DelegatedBooking.DONOR_MUST_BOOK))
    events = AuditEvent.objects.count()
    # then the management page offers no form but says why
    page = Client().get(_manage(pledge)).text
    assert "/booking-access/" not in page
    assert "You book the tickets yourself" in page
    # and a forged post is refused with the reason; nothing is written
    response = Client().post(_delegation(pledge), {"consent": "on"})
    assert response.status_code == 200
    assert "do not let the fund book with your access" in response.text
    pledge.refresh_from_db()
    assert pledge.delegated_booking_consent is False
    assert AuditEvent.objects.count() == events


def test_a_withdrawn_pledge_cannot_change_its_answer() -> None:
    pledge = confirmed_pledge(program=make_program(delegated=DelegatedBooking.WITH_CONSENT))
    actions.do_withdraw_pledge(pledge_id=pledge.public_id)
    with pytest.raises(PledgeNotOpen):
        actions.do_set_delegated_booking_consent(pledge_id=pledge.public_id, consent=True)
    pledge.refresh_from_db()
    assert pledge.delegated_booking_consent is False


def test_the_action_refuses_consent_for_an_unknown_rule() -> None:
    pledge = confirmed_pledge(program=make_program(delegated=DelegatedBooking.UNKNOWN))
    with pytest.raises(DelegationNotOffered):
        actions.do_set_delegated_booking_consent(pledge_id=pledge.public_id, consent=True)

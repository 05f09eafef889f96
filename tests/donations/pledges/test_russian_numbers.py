"""Numbers of miles in Russian are grouped with spaces ("25 000"), as Russian readers expect:
"25,000" reads as twenty-five with a decimal comma."""

import pytest
from django.core import mail
from django.utils import translation

from safepassage.donations.pledges.errors import BelowMinimum, MilesSetAside
from safepassage.donations.pledges.forms import ProgramChoiceField
from safepassage.donations.pledges.tasks import send_pledge_confirmation
from safepassage.site.numbers import grouped_number
from tests.donations.pledges.factories import make_program, submit_pledge

pytestmark = pytest.mark.django_db

NBSP = "\N{NO-BREAK SPACE}"


@pytest.mark.parametrize(("language", "expected"), [("ru", f"25{NBSP}000"), ("en", "25,000")])
def test_the_confirmation_e_mail_groups_the_miles_as_the_donor_reads_numbers(
    language: str, expected: str
) -> None:
    # given a pledge of 25,000 miles
    pledge = submit_pledge(miles=25_000)
    mail.outbox.clear()

    # when its confirmation e-mail is written in the donor's language
    send_pledge_confirmation.call(pledge_id=str(pledge.public_id), language=language)

    # then the number is grouped the way that language writes it
    assert expected in mail.outbox[0].body


def test_messages_and_program_choices_group_miles_the_russian_way() -> None:
    # given a program with a minimum of 50,000
    program = make_program(minimum=50_000)

    # when the messages and the choice are written in Russian
    with translation.override("ru"):
        below = str(BelowMinimum(minimum=50_000).message)
        set_aside = str(MilesSetAside(committed=12_500).message)
        choice = ProgramChoiceField(queryset=type(program).objects.all()).label_from_instance(
            program
        )
        lazy_number = grouped_number(1_234_567)
        russian = str(lazy_number)
    english = str(lazy_number)

    # then each number is grouped with spaces, and a number made in one language and shown
    # in another follows the language it is shown in
    assert f"50{NBSP}000" in below
    assert f"12{NBSP}500" in set_aside
    assert f"50{NBSP}000" in choice
    assert russian == f"1{NBSP}234{NBSP}567"
    assert english == "1,234,567"

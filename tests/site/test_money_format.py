"""Amounts of money are written the way the reader's language writes numbers (decision 0024
and its follow-up): "12,500.00 USD" in English, "12 500,00 USD" in Russian (no-break space,
decimal comma). CSV exports keep plain digits and a decimal point."""

import csv
import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

import safepassage
from safepassage.accounts.roles import Role
from safepassage.bookings.models import Trip
from safepassage.core.money import CURRENCY_MINOR_UNITS, Money
from safepassage.site.templatetags.numbers import money, money_amount
from tests.bookings.factories import (
    accept_all,
    make_network,
    planned_case,
    pledge_of,
    sent_trip,
    solved_run,
    travel_request,
)
from tests.donations.factories import CampaignFactory, make_gift
from tests.exports.helpers import opened, post_export
from tests.factories import make_staff, sign_in
from tests.transparency.factories import gift_on

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("value", "currency", "english", "russian"),
    [
        (Money(amount=Decimal("12500"), currency="USD"), None, "12,500.00 USD", "12 500,00 USD"),
        (Decimal("1234567.5"), "EUR", "1,234,567.50 EUR", "1 234 567,50 EUR"),
        (Decimal("1000"), "JPY", "1,000 JPY", "1 000 JPY"),
        (Decimal("1234.567"), "BHD", "1,234.567 BHD", "1 234,567 BHD"),
        (Decimal("-1500.25"), "EUR", "-1,500.25 EUR", "-1 500,25 EUR"),
        (Decimal("5.500"), "USD", "5.50 USD", "5,50 USD"),  # a column's scale is not shown
        (Decimal("0.125"), "USD", "0.125 USD", "0,125 USD"),  # nothing is rounded away
        ("2500.00", "HKD", "2,500.00 HKD", "2 500,00 HKD"),  # as stored in a JSON document
        (None, "USD", "", ""),
    ],
)
def test_the_money_filter_groups_and_marks_decimals_in_each_language(
    value: Money | Decimal | str | None, currency: str | None, english: str, russian: str
) -> None:
    with translation.override("en"):
        assert money(value, currency) == english
    with translation.override("ru"):
        assert money(value, currency) == russian.replace(" ", NBSP, russian.count(" ") - 1)


def test_the_figure_alone_drops_only_the_currency() -> None:
    with translation.override("ru"):
        assert money_amount(Money(amount=Decimal("2500"), currency="EUR")) == f"2{NBSP}500,00"
        assert money_amount(Decimal("2500"), "EUR") == f"2{NBSP}500,00"
    with translation.override("en"):
        assert money_amount("2500.5", "EUR") == "2,500.50"


@given(
    minor=st.integers(min_value=-(10**12), max_value=10**12),
    currency=st.sampled_from(sorted(CURRENCY_MINOR_UNITS)),
)
def test_the_english_form_reads_back_to_the_same_amount(minor: int, currency: str) -> None:
    # Given any amount of any currency
    amount = Money.from_minor_units(amount=minor, currency=currency)
    # When it is written for an English reader and the grouping is taken out again
    with translation.override("en"):
        text = money(amount)
    figure, _space, code = text.rpartition(" ")
    # Then it is the same amount, with exactly the currency's decimals, grouped by threes
    assert code == currency
    assert Decimal(figure.replace(",", "")) == amount.amount
    assert re.fullmatch(r"-?\d{1,3}(,\d{3})*(\.\d+)?", figure)
    places = len(figure.partition(".")[2])
    assert places == amount.minor_units


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "raised", "goal"),
    [("en", "1,600.00 USD", "4,000.00"), ("ru", f"1{NBSP}600,00 USD", f"4{NBSP}000,00")],
)
def test_the_campaign_page_shows_grouped_amounts_in_the_readers_language(
    language: str, raised: str, goal: str
) -> None:
    # Given a campaign with 1,600 USD raised of a 4,000 USD goal
    campaign = CampaignFactory.create(goal_money=Decimal(4000), goal_currency="USD")
    make_gift(campaign=campaign, amount="1600.00")
    # When a donor reads it in their language
    page = Client().get(
        reverse("donations:campaign", kwargs={"slug": campaign.slug}),
        headers={"accept-language": language},
    )
    # Then the amounts are grouped and marked as that language writes them
    assert raised in page.text
    assert goal in page.text
    assert "1600.00" not in page.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown"), [("en", "12,500.00 EUR"), ("ru", f"12{NBSP}500,00 EUR")]
)
def test_the_gift_pages_show_grouped_amounts_and_the_csv_keeps_plain_digits(
    language: str, shown: str
) -> None:
    # Given a gift of 12,500 EUR and a fundraiser
    fundraiser = make_staff(Role.FUNDRAISER)
    gift = gift_on(
        organisation=fundraiser.organisation,
        amount="12500.00",
        currency="EUR",
        on=datetime.date(2026, 10, 5),
    )
    client = sign_in(Client(), fundraiser)
    organisation_id = fundraiser.organisation.public_id
    headers = {"accept-language": language}
    # When they read the list, the gift and the totals, and export the list
    pages = [
        client.get(reverse(name, kwargs=kwargs), headers=headers).content.decode()
        for name, kwargs in (
            ("donations:gift_list", {"organisation_id": organisation_id}),
            (
                "donations:gift_detail",
                {"organisation_id": organisation_id, "gift_id": gift.public_id},
            ),
            ("donations:gift_totals", {"organisation_id": organisation_id}),
        )
    ]
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    export = post_export(
        client, reverse("donations:gift_export", kwargs={"organisation_id": organisation_id})
    )
    # Then every page shows the grouped amount
    for page in pages:
        assert shown in page
    # And the CSV has plain digits and a decimal point, in either language
    text = opened(export).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert "12500.00" in rows[1]
    assert not any(shown.rpartition(" ")[0] in cell for cell in rows[1])


@pytest.mark.django_db
def test_the_reports_page_in_russian_groups_money_and_its_csv_does_not() -> None:
    # Given gifts of 1,234.50 EUR this month and an admin reading Russian
    admin = make_staff(Role.ADMIN)
    gift_on(
        organisation=admin.organisation,
        amount="1234.50",
        currency="EUR",
        on=timezone.localdate(),
    )
    client = sign_in(Client(), admin)
    url = reverse("donations:report", kwargs={"organisation_id": admin.organisation.public_id})
    csv_url = reverse(
        "donations:report_csv",
        kwargs={"organisation_id": admin.organisation.public_id, "table": "money"},
    )
    # When they open the page and download the money table
    page = client.get(url, headers={"accept-language": "ru"}).content.decode()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ru"
    table = post_export(client, csv_url)
    # Then the page writes 1 234,50 and the CSV 1234.50
    assert f"1{NBSP}234,50" in page
    assert "1234.50" not in page
    assert "1234.50" in opened(table).decode()


TEMPLATES = Path(safepassage.__file__).parent


def test_no_template_prints_an_amount_and_its_currency_by_hand() -> None:
    # Given every template of the project (a translated text's own placeholders, such as
    # "{{ amount }} {{ currency }}", get the figure already written with |money_amount)
    by_hand = re.compile(r"\{\{ \w+\.[\w.]+ \}\} \{\{ [\w.]*currency \}\}")
    # Then none writes "{{ x.amount }} {{ x.currency }}" (ungrouped): they use |money
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("templates/**/*.html")
        for match in by_hand.finditer(path.read_text())
    ]
    assert offenders == []


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "separator"), [("en", ","), ("ru", NBSP)])
def test_the_donors_booking_page_groups_the_miles_in_their_language(
    language: str, separator: str
) -> None:
    # Given a booking request sent to a donor for 20,000 miles or more
    network = make_network()
    case = planned_case(network)
    travel_request(case, program=network.program, travellers=1, miles=20_000)
    pledge_of(network)
    accept_all(network, solved_run(network))
    mail.outbox.clear()
    [booking] = sent_trip(network, Trip.objects.get(case=case))
    link = re.search(r"/bookings/donor/[^/\s]+/", str(mail.outbox[0].body))
    assert link is not None
    # When the donor opens the link in their language
    page = Client().get(link.group(0), headers={"accept-language": language}).content.decode()
    # Then the miles are grouped the way that language writes them
    assert f"{booking.miles:,}".replace(",", separator) in page

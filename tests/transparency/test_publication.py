"""Publishing snapshots from live data, and the public page that reads them (SR-33)."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.audit.models import AuditEvent
from safepassage.cases.models.retention import ShredReason
from safepassage.cases.retention_actions import do_shred_case
from safepassage.transparency.actions import check_publish_snapshot, do_publish_snapshot
from safepassage.transparency.errors import SnapshotExists
from safepassage.transparency.models import (
    ShreddedMove,
    TransparencyFigure,
    TransparencySnapshot,
)
from safepassage.transparency.publication import publishable_period_end
from tests.donations.factories import CampaignFactory, make_pledge
from tests.transparency.factories import gift_on, moved_case, rate, redeemed_on

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 10)
END_OF_MARCH = datetime.date(2026, 3, 31)
END_OF_APRIL = datetime.date(2026, 4, 30)


def figure(snapshot: TransparencySnapshot, metric: str, key: str) -> TransparencyFigure:
    return snapshot.figures.get(metric=metric, key=key)


def test_the_page_renders_before_anything_is_published() -> None:
    response = Client().get(reverse("transparency:page"))

    assert response.status_code == 200
    assert "No figures have been published yet" in response.content.decode()


def test_a_snapshot_of_no_data_publishes_no_cell_and_the_page_renders() -> None:
    snapshot = do_publish_snapshot(period_end=END_OF_MARCH)

    assert snapshot.figures.count() == 0
    page = Client().get(reverse("transparency:page")).content.decode()
    assert "No month has figures yet" in page
    assert AuditEvent.objects.filter(
        action="transparency.published", object_ref=str(snapshot.public_id)
    ).exists()


def test_figures_large_enough_match_the_source_data() -> None:
    # given 12 travellers in 11 cases, 10 gifts (some in USD at a recorded rate), 10 trips
    for _ in range(10):
        moved_case(on=MARCH)
    moved_case(on=MARCH, party_size=2, state="arrived")
    rate(currency="USD", value="0.9", as_of=datetime.date(2026, 3, 1))
    for _ in range(8):
        gift_on(on=MARCH, amount="100.00")
    gift_on(on=MARCH, amount="100.00", currency="USD")
    gift_on(on=MARCH, amount="50.55", currency="USD")
    for miles in (20_000, 25_000, 30_000, 20_000, 15_000, 40_000, 20_000, 22_500, 30_000, 12_500):
        redeemed_on(on=MARCH, miles=miles)

    # when March is published
    snapshot = do_publish_snapshot(period_end=END_OF_MARCH)

    # then each figure equals the source data (USD converted at 0.9, half-even to the cent)
    assert figure(snapshot, "people", "2026-03").value == 12
    assert figure(snapshot, "money", "2026-03").value == Decimal("800.00") + Decimal(
        "90.00"
    ) + Decimal("45.50")
    assert figure(snapshot, "miles", "2026-03").value == 235_000
    page = Client().get(reverse("transparency:page")).content.decode()
    assert "March 2026" in page
    assert "235,000" in page
    assert "935.50" in page


def test_counts_under_ten_and_dominated_figures_keep_no_value() -> None:
    # given 9 travellers in March, and in April a family of 7 with 5 others
    for _ in range(9):
        moved_case(on=MARCH)
    moved_case(on=datetime.date(2026, 4, 2), party_size=7)
    for _ in range(5):
        moved_case(on=datetime.date(2026, 4, 3))

    snapshot = do_publish_snapshot(period_end=END_OF_APRIL)

    march, april = figure(snapshot, "people", "2026-03"), figure(snapshot, "people", "2026-04")
    assert (march.suppression, march.value, march.units) == ("few", None, None)
    assert (april.suppression, april.value, april.units) == ("dominated", None, None)
    page = Client().get(reverse("transparency:page")).content.decode()
    assert "fewer than 10" in page
    assert ">9<" not in page
    assert ">12<" not in page


def test_the_differencing_attack_on_two_snapshots_fails() -> None:
    # given March published with 15 travellers
    cases = [moved_case(on=MARCH) for _ in range(15)]
    first = do_publish_snapshot(period_end=END_OF_MARCH)
    # when one traveller is added to a March case late, and April is published
    cases[0].party_size = 2
    cases[0].save(update_fields=["party_size"])
    for _ in range(10):
        moved_case(on=datetime.date(2026, 4, 5))
    second = do_publish_snapshot(period_end=END_OF_APRIL)

    # then March is withheld in the second snapshot: no pair of published Marches differs by 1
    assert figure(first, "people", "2026-03").value == 15
    assert figure(second, "people", "2026-03").suppression == "revised"
    assert figure(second, "people", "2026-03").value is None
    assert figure(second, "people", "2026-04").value == 10
    # and no published total lets the change through either
    page = Client().get(reverse("transparency:page")).content.decode()
    assert ">16<" not in page
    assert "<dd>10</dd>" in page


def test_a_late_gift_to_a_published_month_withholds_that_month() -> None:
    for _ in range(12):
        gift_on(on=MARCH, amount="50.00")
    first = do_publish_snapshot(period_end=END_OF_MARCH)
    gift_on(on=MARCH, amount="5000.00")

    second = do_publish_snapshot(period_end=END_OF_APRIL)

    assert figure(first, "money", "2026-03").value == Decimal("600.00")
    assert figure(second, "money", "2026-03").suppression in {"revised", "dominated"}
    assert figure(second, "money", "2026-03").value is None


def test_campaigns_are_published_as_ranges_and_unpublished_campaigns_not_at_all() -> None:
    campaign = CampaignFactory.create(title="Safe Passage Spring")
    hidden = CampaignFactory.create(title="Draft Campaign", is_published=False)
    for _ in range(10):
        gift_on(on=MARCH, amount="2500.00", campaign=campaign)
        gift_on(on=MARCH, amount="10.00", campaign=hidden)
    pledge = make_pledge(program_code="UA", miles=500_000, campaign=campaign)
    for _ in range(10):
        redeemed_on(on=MARCH, miles=30_000, pledge=pledge)

    snapshot = do_publish_snapshot(period_end=END_OF_MARCH)

    money = snapshot.figures.get(metric="money", dimension="campaign")
    miles = snapshot.figures.get(metric="miles", dimension="campaign")
    assert (money.value, money.value_high) == (Decimal(20_000), Decimal(50_000))
    assert (miles.value, miles.value_high) == (Decimal(200_000), Decimal(500_000))
    page = Client().get(reverse("transparency:page")).content.decode()
    assert "Safe Passage Spring" in page
    assert "20,000 to 50,000" in page
    assert "Draft Campaign" not in page


def test_months_in_progress_and_the_lag_month_are_never_published() -> None:
    today = datetime.date(2026, 11, 25)

    period_end = check_publish_snapshot(today=today)

    assert period_end == datetime.date(2026, 9, 30)
    assert publishable_period_end(today=datetime.date(2026, 1, 1)) == datetime.date(2025, 11, 30)


def test_the_page_reads_the_published_snapshot_not_live_data() -> None:
    for _ in range(10):
        moved_case(on=MARCH)
    do_publish_snapshot(period_end=END_OF_MARCH)
    for _ in range(20):
        moved_case(on=MARCH)

    page = Client().get(reverse("transparency:page")).content.decode()

    assert ">10<" in page
    assert ">30<" not in page


def test_the_command_publishes_once_per_period() -> None:
    for _ in range(10):
        moved_case(on=datetime.date(2026, 9, 3))
    first, second = StringIO(), StringIO()

    call_command("publish_transparency", "--date", "2026-11-25", stdout=first)
    call_command("publish_transparency", "--date", "2026-11-25", stdout=second)

    assert "Published figures up to 2026-09-30" in first.getvalue()
    assert "already published" in second.getvalue()
    assert TransparencySnapshot.objects.count() == 1
    with pytest.raises(SnapshotExists):
        do_publish_snapshot(period_end=datetime.date(2026, 9, 30))


@pytest.mark.django_db(transaction=True)
def test_the_background_task_publishes_through_the_worker() -> None:
    from safepassage.transparency.tasks import publish_transparency_snapshot

    publish_transparency_snapshot.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=StringIO())

    assert TransparencySnapshot.objects.count() == 1


def test_the_page_speaks_russian() -> None:
    for _ in range(10):
        moved_case(on=MARCH)
    do_publish_snapshot(period_end=END_OF_MARCH)
    client = Client()
    client.post(reverse("site:set_language"), {"language": "ru", "next": "/"})

    page = client.get(reverse("transparency:page")).content.decode()

    assert '<html lang="ru">' in page
    assert "Прозрачность" in page


def test_a_moved_case_shredded_past_retention_still_counts_and_names_no_case() -> None:
    # given 12 people moved in March, published
    cases = [moved_case(on=MARCH) for _ in range(11)]
    cases.append(moved_case(on=MARCH, party_size=1, state="resettled"))
    first = do_publish_snapshot(period_end=END_OF_MARCH)

    # when two of the cases are crypto-shredded and April is published
    for case in cases[:2]:
        do_shred_case(case=case, reason=ShredReason.RETENTION, today=datetime.date(2026, 5, 2))
    second = do_publish_snapshot(period_end=END_OF_APRIL)

    # then March still shows 12 in both, and only the month and party size were kept
    assert figure(first, "people", "2026-03").value == 12
    assert figure(second, "people", "2026-03").value == 12
    assert list(ShreddedMove.objects.values_list("moved_in", "party_size")) == [
        (datetime.date(2026, 3, 1), 1),
        (datetime.date(2026, 3, 1), 1),
    ]


def test_the_command_refuses_a_day_after_today_and_publishes_nothing() -> None:
    # Given a month that will be publishable later
    for _ in range(10):
        moved_case(on=timezone.localdate())
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    # When the operator gives a future --date, Then it is refused and nothing is published
    with pytest.raises(CommandError, match="cannot be after today"):
        call_command("publish_transparency", "--date", tomorrow.isoformat(), stdout=StringIO())
    assert not TransparencySnapshot.objects.exists()

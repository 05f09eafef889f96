"""Award charts as data: seeded with sources, used for estimates, corrected by catalogue
maintainers (decision 0017)."""

from datetime import date

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.core.pricing import PricingSegment, price_ticket
from safepassage.core.pricing.catalogue import british_airways_pricing
from safepassage.travel.models import AwardChart, ChartBand
from safepassage.travel.pricing import load_program_pricing
from tests.factories import make_staff, sign_in
from tests.travel.factories import chart_form_data, make_catalogue_maintainer

pytestmark = pytest.mark.django_db


def _segment(miles: float) -> PricingSegment:
    return PricingSegment(
        origin="LHR",
        destination="EDI",
        origin_country="GB",
        destination_country="FR",
        distance_miles=miles,
    )


def test_the_seeded_charts_price_like_the_core_catalogue() -> None:
    # Given the charts loaded by the migration
    pricing = load_program_pricing()

    # Then BA prices like the sourced catalogue (a worked example: 700 mi off-peak is 6,500
    # Avios plus GBP 17.50 Reward Flight Saver), and every figure keeps its source
    stored = price_ticket(pricing=pricing["BA"], segments=[_segment(700)])
    expected = price_ticket(pricing=british_airways_pricing(peak=False), segments=[_segment(700)])
    assert (stored.miles, stored.cash) == (expected.miles, expected.cash)
    assert stored.miles.amount == 6500
    assert {"BA", "EY", "TK", "UA", "AA", "DL", "FB"} <= set(pricing)
    assert all(chart.source for chart in AwardChart.objects.all())


def test_a_maintainer_corrects_a_band_and_the_estimate_follows() -> None:
    # Given a catalogue maintainer and Etihad's seeded distance chart
    client = sign_in(Client(), make_catalogue_maintainer())
    chart = AwardChart.objects.get(program__code="EY")
    url = reverse("travel:chart_edit", kwargs={"program_code": "EY"})
    assert client.get(url).status_code == 200

    # When they change the first band's price, citing a source
    response = client.post(
        url, chart_form_data(chart, **{"bands-0-miles": "7500", "chart-as_of": "2026-11-25"})
    )

    # Then it is stored, audited, and estimates use it
    assert response.status_code == 302
    assert ChartBand.objects.get(chart=chart, min_miles=0).miles == 7500
    assert AwardChart.objects.get(pk=chart.pk).as_of == date(2026, 11, 25)
    assert (
        price_ticket(pricing=load_program_pricing()["EY"], segments=[_segment(300)]).miles.amount
        == 7500
    )
    assert AuditEvent.objects.filter(action="travel.award_chart_saved", object_ref="EY").exists()


def test_a_chart_with_a_gap_is_refused_and_nothing_is_saved() -> None:
    client = sign_in(Client(), make_catalogue_maintainer())
    chart = AwardChart.objects.get(program__code="EY")
    before = list(chart.bands.values_list("min_miles", "max_miles", "miles"))
    events = AuditEvent.objects.count()

    response = client.post(
        reverse("travel:chart_edit", kwargs={"program_code": "EY"}),
        chart_form_data(chart, **{"bands-1-min_miles": "600", "chart-name": "Renamed"}),
    )

    assert response.status_code == 200
    assert "without gaps" in response.content.decode()
    assert list(chart.bands.values_list("min_miles", "max_miles", "miles")) == before
    assert AwardChart.objects.get(pk=chart.pk).name == chart.name
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.TRAVEL_COORDINATOR, Role.CASEWORKER, Role.FUNDRAISER]
)
def test_no_organisation_role_edits_charts(role: str) -> None:
    client = sign_in(Client(), make_staff(role))
    chart = AwardChart.objects.get(program__code="EY")
    events = AuditEvent.objects.count()
    response = client.post(
        reverse("travel:chart_edit", kwargs={"program_code": "EY"}),
        chart_form_data(chart, **{"bands-0-miles": "1"}),
    )
    assert response.status_code == 403
    assert ChartBand.objects.get(chart=chart, min_miles=0).miles == 7000
    assert (AuditEvent.objects.count(), len(mail.outbox)) == (events, 0)

"""Migration 0007 brings databases made before decision 0017 up to the new seed, without
overwriting what catalogue maintainers changed."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps

from safepassage.travel.models import AwardChart, ChartZonePrice, FarePrice
from tests.travel.factories import make_travel_request, make_travel_world

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("safepassage.travel.migrations.0007_catalogue_data")


def test_missing_turkish_prices_are_added_and_a_maintainers_price_is_kept() -> None:
    # Given a Turkish chart as the old seed left it, where a maintainer changed Europe 1
    chart = AwardChart.objects.get(program__code="TK")
    ChartZonePrice.objects.filter(
        chart=chart, destination_zone__in=["North Africa", "Oceania"]
    ).delete()
    ChartZonePrice.objects.filter(chart=chart, destination_zone="Europe 1").update(miles=11000)
    chart.source = MIGRATION.OLD_TURKISH_SOURCE
    chart.save(update_fields=["source"])

    # When the migration runs (twice: it is idempotent)
    MIGRATION.add_turkish_prices(apps=django_apps)
    MIGRATION.add_turkish_prices(apps=django_apps)

    # Then the missing prices are back, the maintainer's stays, and the note is the new one
    prices = dict(
        ChartZonePrice.objects.filter(chart=chart).values_list("destination_zone", "miles")
    )
    assert (prices["North Africa"], prices["Oceania"], prices["Europe 1"]) == (
        20000,
        60000,
        11000,
    )
    assert ChartZonePrice.objects.filter(chart=chart).count() == 12
    assert AwardChart.objects.get(pk=chart.pk).source == MIGRATION.NEW_TURKISH_SOURCE


def test_a_source_a_maintainer_rewrote_is_kept() -> None:
    chart = AwardChart.objects.get(program__code="TK")
    chart.source = "a maintainer's own reading of the page"
    chart.save(update_fields=["source"])

    MIGRATION.add_turkish_prices(apps=django_apps)

    assert AwardChart.objects.get(pk=chart.pk).source == "a maintainer's own reading of the page"


def test_old_estimates_of_programs_without_taxes_rows_become_not_known() -> None:
    # Given stored estimates from before taxes_known existed (all marked known)
    world = make_travel_world()
    make_travel_request(case=world.case)  # TK and UA estimates; a BA price not yet priced
    FarePrice.objects.update(taxes_known=True)

    MIGRATION.mark_unknown_taxes(apps=django_apps)

    # Then TK and UA (no taxes rows) are "not known"; the unpriced BA row is left alone
    known = dict(FarePrice.objects.values_list("program__code", "taxes_known").distinct())
    assert known == {"TK": False, "UA": False, "BA": True}
    assert set(FarePrice.objects.filter(program__code="TK").values_list("taxes", flat=True)) == {
        Decimal("35.50")
    }

"""Catalogue data for databases made before decision 0017.

1. Turkish Miles&Smiles: add the economy Promotion Award prices from Türkiye that the seed
   lacked (official award page, PROGRAMS.md [TK8]) and the new source note. A price a
   maintainer already has for the same zones is kept; the chart's source is replaced only
   while it is still the old seed text. A database made after this change got them from
   ``award_charts.json`` in 0005 already (then this does nothing).
2. Estimates stored before ``FarePrice.taxes_known`` existed: a program whose chart has no
   taxes row at all cannot have known its taxes, so its estimates are marked "not known".
   (A BA estimate with a long-haul flight keeps "known": *Find route options* again renews
   it.)
"""

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

OLD_TURKISH_SOURCE = (
    "turkishairlines.com/pt-int/miles-and-smiles/redeem-miles/redeem-miles-on-flights/"
    "turkish-airlines-award-tickets (n/d, read 2026-11-24): one-way economy Promotion Award "
    "from Türkiye; Europe 1 10,000, Europe 2 15,000, Central Asia 20,000, Middle East 18,000 "
    "from the same page; which countries form these zones was not found (add them as zones "
    "once verified)"
)
NEW_TURKISH_SOURCE = (
    "turkishairlines.com/pt-int/miles-and-smiles/redeem-miles/redeem-miles-on-flights/"
    "turkish-airlines-award-tickets (PROGRAMS.md [TK8], n/d, read 2026-11-24 and 2026-11-25): "
    "one-way economy Promotion Award from Türkiye: domestic 4,500; Europe 1 10,000; Europe 2 "
    "15,000; Central Asia 20,000; Middle East 18,000; North Africa 20,000; Central Africa "
    "25,000; Southern Africa 35,000; Far East 35,000; North America 40,000; South America "
    "50,000; Oceania 60,000. Which countries form each region is in the page's 'award regions "
    "table', which was not available: only Türkiye (and North America, unverified) have "
    "countries; add the others once read"
)
TURKISH_PRICES = (
    ("Europe 1", 10000),
    ("Europe 2", 15000),
    ("Central Asia", 20000),
    ("Middle East", 18000),
    ("North Africa", 20000),
    ("Central Africa", 25000),
    ("Southern Africa", 35000),
    ("Far East", 35000),
    ("North America", 40000),
    ("South America", 50000),
    ("Oceania", 60000),
)


def add_turkish_prices(*, apps: Any) -> None:
    chart = apps.get_model("travel", "AwardChart").objects.filter(program__code="TK").first()
    if chart is None or chart.kind != "zones":
        return
    price_model = apps.get_model("travel", "ChartZonePrice")
    for zone, miles in TURKISH_PRICES:
        if not price_model.objects.filter(
            chart=chart, origin_zone="Türkiye", destination_zone=zone
        ).exists():
            price_model.objects.create(
                chart=chart,
                origin_zone="Türkiye",
                destination_zone=zone,
                miles=miles,
                one_way_only=True,
            )
    if chart.source == OLD_TURKISH_SOURCE:
        chart.source = NEW_TURKISH_SOURCE
        chart.save(update_fields=["source"])


def mark_unknown_taxes(*, apps: Any) -> None:
    chart_model = apps.get_model("travel", "AwardChart")
    without_taxes = chart_model.objects.filter(cash_rules__isnull=True).values_list(
        "program_id", flat=True
    )
    apps.get_model("travel", "FarePrice").objects.filter(
        program_id__in=list(without_taxes), basis__in=["chart", "estimate"], miles__isnull=False
    ).update(taxes_known=False)


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    add_turkish_prices(apps=apps)
    mark_unknown_taxes(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("travel", "0006_catalogue_maintainers_and_taxes_known")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

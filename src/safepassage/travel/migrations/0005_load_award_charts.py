"""Load the reviewed award charts (travel/data/award_charts.json).

Idempotent: a program that has a chart already keeps it (admins may have corrected it);
a program the donations catalogue does not have is skipped.
"""

import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "award_charts.json"


def _day(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def load_award_charts(*, data: dict[str, Any], apps: Any) -> None:
    program_model = apps.get_model("donations", "Program")
    chart_model = apps.get_model("travel", "AwardChart")
    band_model = apps.get_model("travel", "ChartBand")
    zone_model = apps.get_model("travel", "ChartZone")
    zone_price_model = apps.get_model("travel", "ChartZonePrice")
    cash_rule_model = apps.get_model("travel", "CashRule")
    programs = {program.code: program for program in program_model.objects.all()}
    for entry in data["charts"]:
        program = programs.get(entry["program"])
        if program is None or chart_model.objects.filter(program=program).exists():
            continue
        chart = chart_model.objects.create(
            program=program,
            name=entry["name"],
            kind=entry["kind"],
            multi_segment=entry["multi_segment"],
            multi_segment_source=entry["multi_segment_source"],
            fixed_miles=entry["fixed_miles"],
            short_haul_max_miles=entry["short_haul_max_miles"],
            route_type_source=entry["route_type_source"],
            currency=entry["currency"],
            source=entry["source"],
            as_of=_day(entry["as_of"]),
            verified=entry["verified"],
        )
        band_model.objects.bulk_create(band_model(chart=chart, **band) for band in entry["bands"])
        zone_model.objects.bulk_create(
            zone_model(
                chart=chart,
                name=zone["name"],
                countries=zone["countries"],
                source=zone["source"],
                as_of=_day(zone["as_of"]),
                verified=zone["verified"],
            )
            for zone in entry["zones"]
        )
        zone_price_model.objects.bulk_create(
            zone_price_model(chart=chart, **price) for price in entry["zone_prices"]
        )
        cash_rule_model.objects.bulk_create(
            cash_rule_model(
                chart=chart,
                route_type=rule["route_type"],
                taxes=Decimal(rule["taxes"]),
                carrier_surcharge=Decimal(rule["carrier_surcharge"]),
                source=rule["source"],
                as_of=_day(rule["as_of"]),
                verified=rule["verified"],
            )
            for rule in entry["cash_rules"]
        )


def load(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    load_award_charts(data=json.loads(DATA_FILE.read_text(encoding="utf-8")), apps=apps)


def unload(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("travel", "AwardChart").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("travel", "0004_award_charts")]

    operations = [migrations.RunPython(load, unload)]

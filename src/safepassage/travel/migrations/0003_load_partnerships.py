"""Load the reviewed alliance and partnership data (travel/data/partnerships.json).

Idempotent: rows are matched by (alliance, carrier) and (program, carrier) and only created
when missing, so a second run, or a run after admins corrected a row, changes nothing. A
program the donations catalogue does not have is skipped.
"""

import datetime
import json
from pathlib import Path
from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "partnerships.json"


def load_partnerships(
    *, data: dict[str, Any], alliance_model: Any, membership_model: Any, program_model: Any,
    program_carrier_model: Any,
) -> None:
    for entry in data["alliances"]:
        alliance, _ = alliance_model.objects.get_or_create(
            code=entry["code"], defaults={"name": entry["name"]}
        )
        for member in entry["members"]:
            membership_model.objects.get_or_create(
                alliance=alliance,
                carrier=member["carrier"],
                defaults={
                    "suspended": member["suspended"],
                    "source": member["source"],
                    "as_of": datetime.date.fromisoformat(member["as_of"]),
                    "verified": member["verified"],
                },
            )
    programs = {program.code: program for program in program_model.objects.all()}
    for entry in data["programs"]:
        program = programs.get(entry["program"])
        if program is None:
            continue
        for carrier in entry["carriers"]:
            program_carrier_model.objects.get_or_create(
                program=program,
                carrier=carrier["carrier"],
                defaults={
                    "relation": carrier["relation"],
                    "source": carrier["source"],
                    "as_of": datetime.date.fromisoformat(carrier["as_of"]),
                    "verified": carrier["verified"],
                },
            )


def load(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    load_partnerships(
        data=json.loads(DATA_FILE.read_text(encoding="utf-8")),
        alliance_model=apps.get_model("travel", "CarrierAlliance"),
        membership_model=apps.get_model("travel", "AllianceMembership"),
        program_model=apps.get_model("donations", "Program"),
        program_carrier_model=apps.get_model("travel", "ProgramCarrier"),
    )


def unload(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("travel", "ProgramCarrier").objects.all().delete()
    apps.get_model("travel", "AllianceMembership").objects.all().delete()
    apps.get_model("travel", "CarrierAlliance").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("travel", "0002_load_airports"),
        ("donations", "0004_load_program_catalogue"),
    ]

    operations = [migrations.RunPython(load, unload)]

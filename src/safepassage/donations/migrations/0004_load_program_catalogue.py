"""Load the reviewed program catalogue (donations/data/programs.json).

Idempotent: programs are matched by code and only filled in when they were just
created, so a second run (or a run after admins edited a program) changes nothing;
facts and transfer partners are added only where the same one is not there yet.
Reversible: removes the seeded facts and partners, and the programs the file created
when nothing else refers to them.
"""

import datetime
import json
from pathlib import Path
from typing import Any

from django.db import migrations, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import ProtectedError

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "programs.json"

PROGRAM_FIELDS = (
    "name",
    "kind",
    "alliance",
    "operating_carrier",
    "minimum_pledge",
    "booking_for_others",
    "nominee_limit",
    "nominee_change_wait_days",
    "member_transfer",
    "expiry_policy",
)


def _catalogue() -> list[dict[str, Any]]:
    programs: list[dict[str, Any]] = json.loads(DATA_FILE.read_text(encoding="utf-8"))["programs"]
    return programs


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def load_catalogue(
    *, programs: list[dict[str, Any]], program_model: Any, fact_model: Any, partner_model: Any
) -> None:
    """Create what is missing; never overwrite what exists (admins may have edited it)."""
    by_code = {}
    for entry in programs:
        program, _created = program_model.objects.get_or_create(
            code=entry["code"], defaults={field: entry[field] for field in PROGRAM_FIELDS}
        )
        by_code[entry["code"]] = program
        for fact in entry["facts"]:
            fact_model.objects.get_or_create(
                program=program,
                topic=fact["topic"],
                statement=fact["statement"],
                defaults={
                    "source": fact["source"],
                    "as_of": _date(fact["as_of"]),
                    "confidence": fact["confidence"],
                },
            )
    for entry in programs:
        for partner in entry["transfer_partners"]:
            partner_model.objects.get_or_create(
                bank_program=by_code[entry["code"]],
                airline_program=by_code[partner["airline"]],
                defaults={
                    "points_in": partner["points_in"],
                    "miles_out": partner["miles_out"],
                    "notes": partner["notes"],
                    "source": partner["source"],
                    "as_of": _date(partner["as_of"]),
                },
            )


def unload_catalogue(
    *, programs: list[dict[str, Any]], program_model: Any, fact_model: Any, partner_model: Any
) -> None:
    """Remove the seeded rows; keep programs that something else still refers to."""
    codes = [entry["code"] for entry in programs]
    partner_model.objects.filter(bank_program__code__in=codes).delete()
    for entry in programs:
        for fact in entry["facts"]:
            fact_model.objects.filter(
                program__code=entry["code"], topic=fact["topic"], statement=fact["statement"]
            ).delete()
    for program in program_model.objects.filter(code__in=codes):
        if program.facts.exists():
            continue
        try:
            with transaction.atomic():
                program.delete()
        except ProtectedError:
            continue


def load(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    load_catalogue(
        programs=_catalogue(),
        program_model=apps.get_model("donations", "Program"),
        fact_model=apps.get_model("donations", "ProgramFact"),
        partner_model=apps.get_model("donations", "TransferPartner"),
    )


def unload(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    unload_catalogue(
        programs=_catalogue(),
        program_model=apps.get_model("donations", "Program"),
        fact_model=apps.get_model("donations", "ProgramFact"),
        partner_model=apps.get_model("donations", "TransferPartner"),
    )


class Migration(migrations.Migration):
    dependencies = [("donations", "0003_campaign_cover_and_sponsor_matches")]

    operations = [migrations.RunPython(load, unload)]

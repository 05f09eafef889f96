"""Load every airport with an IATA code from the ``airportsdata`` package.

Idempotent: airports are matched by IATA code and only missing ones are added, so running it
again, or on a database where airports were corrected, changes nothing. It runs on every
``migrate`` (fresh clone, tests, PostgreSQL alike); no separate command is needed.
"""

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def load_airports(*, airport_model: Any) -> int:
    """Add the airports that are missing; return how many were added."""
    import airportsdata  # noqa: PLC0415  # only the migration needs the 8,000 rows

    known = set(airport_model.objects.values_list("code", flat=True))
    rows = [
        airport_model(
            code=code,
            icao=entry["icao"][:4],
            name=entry["name"][:120],
            city=entry["city"][:120],
            country=entry["country"][:2],
            latitude=float(entry["lat"]),
            longitude=float(entry["lon"]),
            timezone=entry["tz"][:64],
        )
        for code, entry in sorted(airportsdata.load("IATA").items())
        if code not in known and len(code) == 3 and entry["country"]
    ]
    airport_model.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def load(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    load_airports(airport_model=apps.get_model("travel", "Airport"))


def unload(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("travel", "Airport").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("travel", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]

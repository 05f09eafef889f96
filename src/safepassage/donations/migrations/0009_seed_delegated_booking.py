"""Seed who may book with each program's miles: the donor only, or the fund with the
donor's delegated access if the donor agrees (``Program.delegated_booking``).

Source: Miles4Migrants' Terms of Pledge (last revised 27 Mar 2024), as recorded in
``../shared/docs/PROGRAMS.md`` (research snapshot of 2026-11-24): the donor books with the
recipient details the charity gives, or may let the charity log in to the account "if this
is allowed under the terms of your award agreement"; the charity never asks for the login
of credit-card points, AAdvantage or BA Avios, whose bookings the donor must make.

Each value gets a :class:`ProgramFact` (topic ``delegated_booking``) with that source, so
staff see where it comes from. A program the source does not cover stays unknown (which
counts as "the donor must book"). Idempotent: a program is only set while it is still
unknown (an admin's correction stands) and a fact is added only when the same one is not
there yet. Reversible: removes the seeded facts and sets back to unknown the programs that
still hold the seeded value.
"""

import datetime
from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SOURCE = (
    "Miles4Migrants Terms of Pledge, last revised 27 Mar 2024, "
    "miles4migrants.org/terms-of-pledge/ (PROGRAMS.md research snapshot 2026-11-24)"
)
AS_OF = datetime.date(2024, 3, 27)
TOPIC = "delegated_booking"
UNKNOWN = "unknown"
DONOR_MUST_BOOK = "donor_must_book"
WITH_CONSENT = "with_consent"

CARD_POINTS = (
    "Bookings with credit-card points must be made by the donor: Miles4Migrants never asks "
    "for the login of a credit-card points account."
)
WITH_AGREEMENT = (
    "The donor books with the traveller details the charity gives, or may let the charity "
    "sign in to the account and book, if the program's award terms allow it. The program's "
    "own terms on shared account access were not checked: confirm them before booking."
)

RULES: dict[str, tuple[str, str]] = {
    "AA": (
        DONOR_MUST_BOOK,
        "Bookings with AAdvantage miles must be made by the donor: Miles4Migrants never asks "
        "for an AAdvantage login.",
    ),
    "BA": (
        DONOR_MUST_BOOK,
        "Bookings with British Airways Avios must be made by the donor: Miles4Migrants never "
        "asks for a BA Avios login.",
    ),
    **dict.fromkeys(
        ("CHASE_UR", "AMEX_MR", "CAPONE", "CITI_TY", "BILT"), (DONOR_MUST_BOOK, CARD_POINTS)
    ),
    **dict.fromkeys(
        ("UA", "DL", "AS", "AC", "FB", "LH", "TK", "EK", "QR", "WN", "B6", "SQ", "EY"),
        (WITH_CONSENT, WITH_AGREEMENT),
    ),
}
"""Program code -> (delegated_booking, the fact's statement)."""


def seed_delegated_booking(*, program_model: Any, fact_model: Any) -> None:
    """Set what is still unknown and add the sourced fact; never overwrite an edit."""
    for program in program_model.objects.filter(code__in=sorted(RULES)).order_by("pk"):
        rule, statement = RULES[program.code]
        if program.delegated_booking == UNKNOWN:
            program.delegated_booking = rule
            program.save(update_fields=["delegated_booking"])
        fact_model.objects.get_or_create(
            program=program,
            topic=TOPIC,
            statement=statement,
            defaults={"source": SOURCE, "as_of": AS_OF, "confidence": "sourced"},
        )


def unseed_delegated_booking(*, program_model: Any, fact_model: Any) -> None:
    for program in program_model.objects.filter(code__in=sorted(RULES)).order_by("pk"):
        rule, statement = RULES[program.code]
        fact_model.objects.filter(program=program, topic=TOPIC, statement=statement).delete()
        if program.delegated_booking == rule:
            program.delegated_booking = UNKNOWN
            program.save(update_fields=["delegated_booking"])


def load(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor | None) -> None:
    seed_delegated_booking(
        program_model=apps.get_model("donations", "Program"),
        fact_model=apps.get_model("donations", "ProgramFact"),
    )


def unload(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor | None) -> None:
    unseed_delegated_booking(
        program_model=apps.get_model("donations", "Program"),
        fact_model=apps.get_model("donations", "ProgramFact"),
    )


class Migration(migrations.Migration):
    dependencies = [("donations", "0008_delegated_booking")]

    operations = [migrations.RunPython(load, unload)]

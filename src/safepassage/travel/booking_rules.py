"""Which operating carriers each program can book, from the stored alliance and partnership
rows, as the routing core's :class:`ProgramCarriers`."""

import datetime

from safepassage.core.pricing import SourceNote
from safepassage.core.routing import Alliance, ProgramCarriers, program_carriers
from safepassage.donations.models import Program, ProgramKind
from safepassage.travel.models import AllianceMembership, CarrierRelation, ProgramCarrier


def load_alliances() -> list[Alliance]:
    """Alliances with their current (not suspended) members."""
    members: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    newest: dict[str, datetime.date] = {}
    for membership in AllianceMembership.objects.select_related("alliance").filter(suspended=False):
        code = membership.alliance.code
        names[code] = membership.alliance.name
        members.setdefault(code, set()).add(membership.carrier)
        newest[code] = max(newest.get(code, membership.as_of), membership.as_of)
    return [
        Alliance(
            name=names[code],
            members=frozenset(carriers),
            source=SourceNote(
                citation="travel partnerships data: each membership row names its source",
                as_of=newest[code],
            ),
        )
        for code, carriers in sorted(members.items())
    ]


def load_program_carriers() -> list[ProgramCarriers]:
    """Every active airline program and the carriers it can book, ordered by program code."""
    own: dict[str, set[str]] = {}
    bilateral: dict[str, set[str]] = {}
    programs = Program.objects.filter(kind=ProgramKind.AIRLINE, is_active=True).order_by("code")
    for program in programs:
        own[program.code] = {program.operating_carrier} if program.operating_carrier else set()
        bilateral[program.code] = set()
    for row in ProgramCarrier.objects.select_related("program").filter(program__code__in=list(own)):
        target = own if row.relation == CarrierRelation.OWN else bilateral
        target[row.program.code].add(row.carrier)
    alliances = load_alliances()
    return [
        program_carriers(
            program=code,
            own_carriers=frozenset(own[code]),
            alliances=alliances,
            bilateral_partners=frozenset(bilateral[code]),
        )
        for code in own
        if own[code] or bilateral[code]
    ]

"""Which operating carriers each program can book on its award tickets, from alliance data.

The data is passed in (the Django layer stores alliances, memberships and bilateral
partnerships with their sources); nothing here knows real airlines. A program can book its own
carriers' flights, those of every member of an alliance one of its own carriers belongs to, and
those of its bilateral partners.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from safepassage.core.pricing.sources import SourceNote


@dataclass(frozen=True, slots=True, kw_only=True)
class Alliance:
    """An alliance and its current members (carrier codes); suspended members are left out."""

    name: str
    members: frozenset[str]
    source: SourceNote


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgramCarriers:
    """The operating carriers (codes) one program can book on one award ticket."""

    program: str
    carriers: frozenset[str]


def program_carriers(
    *,
    program: str,
    own_carriers: frozenset[str],
    alliances: Iterable[Alliance] = (),
    bilateral_partners: frozenset[str] = frozenset(),
) -> ProgramCarriers:
    """Own carriers, plus alliance partners of any of them, plus bilateral partners."""
    carriers = set(own_carriers) | set(bilateral_partners)
    for alliance in alliances:
        if alliance.members & own_carriers:
            carriers |= alliance.members
    return ProgramCarriers(program=program, carriers=frozenset(carriers))

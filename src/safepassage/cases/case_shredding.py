"""Hooks other apps register to remove their own rows of a case before it is shredded.

An app whose rows point at ``cases.Case`` with ``on_delete=PROTECT``, or that keeps sealed
data of a case outside a cascade (files, caches), lists a function in its own
``case_shredding.py``::

    from safepassage.cases.case_shredding import register_case_shredder

    def shred_travel_requests(case):  # runs inside the shredding transaction
        TravelRequest.objects.filter(case=case).delete()

    register_case_shredder("travel.requests", shred_travel_requests)

The cases app imports every installed app's ``case_shredding`` module before the first
shred, so the cases app never imports theirs. Rows that cascade from ``cases.Case`` (such
as the intake app's applicant messages) need no hook.
"""

from collections.abc import Callable

from django.utils.module_loading import autodiscover_modules

from safepassage.cases.models import Case

type CaseShredder = Callable[[Case], None]

_SHREDDERS: dict[str, CaseShredder] = {}
_discovered = False


def register_case_shredder(name: str, shredder: CaseShredder) -> None:
    """Run ``shredder(case)`` inside every case's shredding transaction, before the case
    row and its keys are deleted. ``name`` is unique (``app.what``)."""
    existing = _SHREDDERS.get(name)
    if existing is not None and existing is not shredder:
        msg = f"another case shredder is already registered as {name!r}"
        raise ValueError(msg)
    _SHREDDERS[name] = shredder


def case_shredders() -> list[CaseShredder]:
    """Every registered hook, in name order (each app's module imported once)."""
    global _discovered  # noqa: PLW0603  # one discovery per process
    if not _discovered:
        autodiscover_modules("case_shredding")
        _discovered = True
    return [_SHREDDERS[name] for name in sorted(_SHREDDERS)]

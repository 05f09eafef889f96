"""Hooks other apps register to say that a pledge's donor is still owed a message.

The donations app cannot see trips, yet a withdrawn or expired pledge's donor is owed the
impact note when a ticket their miles paid arrives (decision 0034). An app that owes a
donor something lists a check in its own ``donor_ties.py``::

    from safepassage.donations.pledges.donor_ties import register_donor_tie

    def has_tickets_to_fly(pledge):  # runs under the pledge's row lock; reads only
        return BookingRequest.objects.filter(pledge=pledge, ...).exists()

    register_donor_tie("bookings.tickets_to_fly", has_tickets_to_fly)

Before the donations app erases a withdrawn or expired pledge's donor (withdrawal, the
nightly expiry) it asks every registered check; while one answers true the sealed name and
address stay, and the app that owes the message forgets the donor once it has been sent
(``donations.pledges.actions.do_forget_donor_when_done``). The donations app imports every
installed app's ``donor_ties`` module before the first question, so it never imports theirs.
"""

from collections.abc import Callable

from django.utils.module_loading import autodiscover_modules

from safepassage.donations.models import Pledge

type DonorTie = Callable[[Pledge], bool]

_TIES: dict[str, DonorTie] = {}
_discovered = False


def register_donor_tie(name: str, tie: DonorTie) -> None:
    """Ask ``tie(pledge)`` before a withdrawn or expired pledge's donor is forgotten; true
    keeps them. ``name`` is unique (``app.what``)."""
    existing = _TIES.get(name)
    if existing is not None and existing is not tie:
        msg = f"another donor tie is already registered as {name!r}"
        raise ValueError(msg)
    _TIES[name] = tie


def donor_still_owed(*, pledge: Pledge) -> bool:
    """Whether some app still owes the pledge's donor a message (each app's module is
    imported once)."""
    global _discovered  # noqa: PLW0603  # one discovery per process
    if not _discovered:
        autodiscover_modules("donor_ties")
        _discovered = True
    return any(_TIES[name](pledge) for name in sorted(_TIES))

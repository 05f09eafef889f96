"""A donor whose miles paid a ticket that has not arrived yet is owed its impact note, so
the donations app keeps their address even when the pledge expires or is withdrawn in the
meantime (see ``donations.pledges.donor_ties``; the arrival forgets them after the note)."""

from safepassage.bookings.selectors import pledge_has_tickets_to_fly
from safepassage.donations.models import Pledge
from safepassage.donations.pledges.donor_ties import register_donor_tie


def has_tickets_to_fly(pledge: Pledge) -> bool:
    return pledge_has_tickets_to_fly(pledge=pledge)


register_donor_tie("bookings.tickets_to_fly", has_tickets_to_fly)

"""Post a gift to the ledger: ``external/received`` to the campaign's or fund's cash."""

from safepassage.core.ledger import MoneyOwner, OwnerKind
from safepassage.core.money import Money
from safepassage.donations.models import Gift
from safepassage.ledger.actions import do_record_gift


def gift_owner(*, gift: Gift) -> MoneyOwner:
    """The ledger owner holding a gift's cash: its campaign, else its organisation's fund."""
    if gift.campaign is not None:
        return MoneyOwner(kind=OwnerKind.CAMPAIGN, owner_id=str(gift.campaign.public_id))
    return MoneyOwner(kind=OwnerKind.FUND, owner_id=str(gift.organisation.public_id))


def post_gift_to_ledger(*, gift: Gift, amount: Money) -> str:
    """Record the gift's cash in the ledger (once per gift); return the transaction id.

    Call inside the transaction that inserts the gift, so both commit or neither does.
    The gift's own idempotency key (provider event id or form token) keys the posting.
    """
    posted = do_record_gift(
        owner=gift_owner(gift=gift),
        amount=amount,
        idempotency_key=gift.idempotency_key,
        reference=f"gift:{gift.public_id}",
        actor_ref=str(gift.recorded_by.public_id) if gift.recorded_by is not None else "system",
        organisation_ref=str(gift.organisation.public_id),
    )
    return posted.transaction.transaction_id

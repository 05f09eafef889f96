"""Hand-built ledger, gift and case data for the reports page's tests."""

import datetime
import uuid
from decimal import Decimal

from safepassage.core.ledger import MoneyOwner, OwnerKind, PledgeRef
from safepassage.core.money import Miles, Money
from safepassage.donations.models import (
    Campaign,
    Pledge,
    PledgeStatus,
    Program,
    ProgramKind,
)
from safepassage.ledger import actions as ledger
from safepassage.organisations.models import Organisation


def program(code: str) -> Program:
    found, _created = Program.objects.get_or_create(
        code=code, defaults={"name": f"Program {code}", "kind": ProgramKind.AIRLINE}
    )
    return found


def pledge(
    *,
    code: str,
    miles: int,
    campaign: Campaign | None = None,
    expires_on: datetime.date = datetime.date(2030, 1, 1),
) -> PledgeRef:
    """A confirmed pledge with its miles in the ledger."""
    row = Pledge.objects.create(
        program=program(code),
        campaign=campaign,
        miles=miles,
        expires_on=expires_on,
        status=PledgeStatus.CONFIRMED,
        submission_token=uuid.uuid4().hex,
        created_on=datetime.date(2026, 11, 1),
    )
    ref = PledgeRef(pledge_id=str(row.public_id), program=code)
    ledger.do_pledge_miles(
        pledge=ref,
        amount=Miles(amount=miles, program=code),
        idempotency_key=f"pledge:{row.public_id}",
        reference="test",
        actor_ref="system",
    )
    return ref


def redeem(ref: PledgeRef, miles: int) -> None:
    """Reserve then redeem ``miles`` of the pledge."""
    for kind in ("reserve", "redeem"):
        getattr(ledger, f"do_{kind}_miles")(
            pledge=ref,
            amount=Miles(amount=miles, program=ref.program),
            idempotency_key=f"{kind}:{ref.pledge_id}:{miles}",
            reference="test",
            actor_ref="system",
        )


def fund(organisation: Organisation) -> MoneyOwner:
    return MoneyOwner(kind=OwnerKind.FUND, owner_id=str(organisation.public_id))


def cash_in_and_out(
    *, organisation: Organisation, received: str, paid: str, refunded: str, currency: str
) -> None:
    """Ledger: a gift into the fund, a ticket paid from it, part of it refunded."""
    owner = fund(organisation)
    for action, amount in (
        (ledger.do_record_gift, received),
        (ledger.do_disburse_money, paid),
        (ledger.do_refund_money, refunded),
    ):
        if Decimal(amount):
            action(
                owner=owner,
                amount=Money(amount=Decimal(amount), currency=currency),
                idempotency_key=f"{action.__name__}:{uuid.uuid4()}",
                reference="test",
                actor_ref="system",
            )

"""Source data for transparency tests: moved cases, gifts on a day, miles redeemed on a day."""

import datetime
import uuid
from decimal import Decimal

from safepassage.accounts.models import User
from safepassage.cases.actions import new_case_code
from safepassage.cases.models import Case, CaseTransition
from safepassage.donations.models import Campaign, ExchangeRate, Gift, GiftSource, Pledge
from safepassage.ledger.models import LedgerTransaction, Posting
from safepassage.organisations.models import Organisation
from tests.factories import OrganisationFactory, UserFactory


def moved_case(
    *,
    on: datetime.date,
    party_size: int = 1,
    state: str = "departed",
    organisation: Organisation | None = None,
    actor: User | None = None,
) -> Case:
    """A case that moved to ``state`` on ``on``, with ``party_size`` travellers."""
    organisation = organisation or OrganisationFactory.create()
    case = Case.objects.create(
        organisation=organisation,
        code=new_case_code(),
        state=state,
        party_size=party_size,
        opened_on=on - datetime.timedelta(days=30),
        state_changed_on=on,
    )
    CaseTransition.objects.create(
        case=case,
        actor=actor or UserFactory.create(),
        source="ticketed",
        target=state,
        made_on=on,
        reason=b"sealed",
    )
    return case


def gift_on(
    *,
    on: datetime.date,
    amount: str,
    currency: str = "EUR",
    campaign: Campaign | None = None,
    organisation: Organisation | None = None,
) -> Gift:
    organisation = organisation or (
        campaign.organisation if campaign else OrganisationFactory.create()
    )
    return Gift.objects.create(
        organisation=organisation,
        campaign=campaign,
        amount=Decimal(amount),
        currency=currency,
        source=GiftSource.BANK_TRANSFER,
        idempotency_key=f"transparency-test:{uuid.uuid4()}",
        received_on=on,
    )


def rate(*, currency: str, to: str = "EUR", value: str, as_of: datetime.date) -> ExchangeRate:
    return ExchangeRate.objects.create(
        base_currency=currency, quote_currency=to, rate=Decimal(value), as_of=as_of, source="test"
    )


def redeemed_on(
    *, on: datetime.date, miles: int, pledge: Pledge | None = None
) -> LedgerTransaction:
    """A redemption of ``miles`` recorded on ``on`` (reserved → redeemed of one pledge)."""
    owner_id = str(pledge.public_id) if pledge is not None else str(uuid.uuid4())
    unit = f"miles:{pledge.program.code}" if pledge is not None else "miles:UA"
    created_at = datetime.datetime(on.year, on.month, on.day, 12, 0, tzinfo=datetime.UTC)
    transaction = LedgerTransaction.objects.create(
        kind="redeem",
        idempotency_key=f"transparency-test:{uuid.uuid4()}",
        reference="booking:test",
        created_at=created_at,
    )
    Posting.objects.bulk_create(
        [
            Posting(
                transaction=transaction,
                owner_kind="pledge",
                owner_id=owner_id,
                bucket="reserved",
                unit=unit,
                amount=-miles,
            ),
            Posting(
                transaction=transaction,
                owner_kind="pledge",
                owner_id=owner_id,
                bucket="redeemed",
                unit=unit,
                amount=miles,
            ),
        ]
    )
    return transaction

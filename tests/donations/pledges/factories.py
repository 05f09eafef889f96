"""Programs and pledges for the pledge tests, made through the real actions."""

import datetime
import uuid

from django.utils import timezone

from safepassage.donations.models import (
    BookingForOthers,
    Campaign,
    DelegatedBooking,
    Pledge,
    Program,
    ProgramKind,
    TransferPartner,
)
from safepassage.donations.pledges import actions
from safepassage.donations.pledges.tokens import (
    make_confirm_token,
    make_manage_token,
    new_submission_token,
)

DONOR_EMAIL = "donor-canary@example.org"
DONOR_NAME = "Canary Donorovna"


def make_program(
    *,
    code: str | None = None,
    kind: str = ProgramKind.AIRLINE,
    minimum: int | None = None,
    booking: str = BookingForOthers.ANYONE,
    nominee_limit: int | None = None,
    is_active: bool = True,
    delegated: str = DelegatedBooking.UNKNOWN,
) -> Program:
    code = code or "T" + uuid.uuid4().hex[:8].upper()
    return Program.objects.create(
        code=code,
        name=f"Test program {code}",
        kind=kind,
        minimum_pledge=minimum,
        booking_for_others=booking,
        nominee_limit=nominee_limit,
        is_active=is_active,
        delegated_booking=delegated,
    )


def make_bank_points(*, partner: Program) -> Program:
    bank = make_program(kind=ProgramKind.BANK_POINTS, booking=BookingForOthers.NOT_ALLOWED)
    TransferPartner.objects.create(bank_program=bank, airline_program=partner)
    return bank


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def anonymous_pledge_form(program_id: int, **overrides: object) -> dict[str, object]:
    """The public pledge form as an anonymous donor sends it: 40,000 miles expiring in 200
    days, a fresh submission token."""
    data: dict[str, object] = {
        "program": program_id,
        "miles": 40_000,
        "expires_on": in_days(200).isoformat(),
        "donor_name": "",
        "email": DONOR_EMAIL,
        "is_anonymous": "on",
        "submission_token": new_submission_token(),
    }
    data.update(overrides)
    return data


def submit_pledge(
    *,
    program: Program | None = None,
    miles: int = 40_000,
    expires_in_days: int = 365,
    campaign: Campaign | None = None,
    contact_before: datetime.date | None = None,
    token: str | None = None,
    delegated_booking_consent: bool = False,
) -> Pledge:
    pledge, _created = actions.do_submit_pledge(
        submission_token=token or uuid.uuid4().hex,
        terms=actions.PledgeTerms(
            program=program or make_program(),
            miles=miles,
            expires_on=in_days(expires_in_days),
            contact_before=contact_before,
            delegated_booking_consent=delegated_booking_consent,
        ),
        donor_name=DONOR_NAME,
        email=DONOR_EMAIL,
        is_anonymous=True,
        campaign=campaign,
        language="en",
    )
    return pledge


def confirmed_pledge(
    *,
    program: Program | None = None,
    miles: int = 40_000,
    expires_in_days: int = 365,
    campaign: Campaign | None = None,
    contact_before: datetime.date | None = None,
    delegated_booking_consent: bool = False,
) -> Pledge:
    pledge = submit_pledge(
        program=program,
        miles=miles,
        expires_in_days=expires_in_days,
        campaign=campaign,
        contact_before=contact_before,
        delegated_booking_consent=delegated_booking_consent,
    )
    return actions.do_confirm_pledge(pledge_id=pledge.public_id, language="en")


def matrix_confirm_token() -> str:
    """A valid confirmation link token, for the permission matrix."""
    return make_confirm_token(submit_pledge().public_id)


def matrix_manage_token() -> str:
    """A valid management link token of a confirmed pledge, for the permission matrix."""
    return make_manage_token(confirmed_pledge().public_id)

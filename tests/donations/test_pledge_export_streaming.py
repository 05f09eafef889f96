"""The pledge CSV export streams: its queries do not grow with the pledges (balances are read
a batch at a time), and its content is byte for byte what the export wrote before it
streamed (the expected text below was taken from that export)."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.core.ledger import PledgeRef
from safepassage.core.money import Miles
from safepassage.donations.models import Campaign, Pledge, PledgeStatus
from safepassage.donations.staff_reports import selectors
from safepassage.ledger import actions as ledger
from safepassage.organisations.models import Organisation
from tests.donations.gift_factories import make_campaign
from tests.donations.reports.factories import program
from tests.exports.helpers import opened, post_export
from tests.factories import StaffMember, make_staff, sign_in

pytestmark = pytest.mark.django_db

EXPECTED = (
    "pledge_id,created_on,program,status,expires_on,campaign,pledged,available,reserved,"
    "redeemed,expired,withdrawn\r\n"
    "00000000-0000-4000-8000-000000000004,2026-11-12,AC,unconfirmed,2030-01-01,,0,0,0,0,0,0\r\n"
    "00000000-0000-4000-8000-000000000003,2026-11-11,UA,confirmed,2030-01-01,"
    "'=HYPERLINK(1),7000,0,0,0,0,7000\r\n"
    "00000000-0000-4000-8000-000000000002,2026-11-10,UA,confirmed,2030-01-01,"
    '"Spring, with a comma",10000,0,0,0,10000,0\r\n'
    "00000000-0000-4000-8000-000000000001,2026-11-10,UA,confirmed,2030-01-01,"
    '"Spring, with a comma",50000,20000,10000,20000,0,0\r\n'
)


def _pledge(
    *,
    number: int,
    code: str,
    miles: int,
    campaign: Campaign | None,
    status: str = PledgeStatus.CONFIRMED,
    created_on: datetime.date = datetime.date(2026, 11, 10),
) -> PledgeRef:
    pledge = Pledge.objects.create(
        public_id=uuid.UUID(f"00000000-0000-4000-8000-{number:012d}"),
        program=program(code),
        campaign=campaign,
        miles=miles,
        expires_on=datetime.date(2030, 1, 1),
        status=status,
        submission_token=uuid.uuid4().hex,
        created_on=created_on,
    )
    ref = PledgeRef(pledge_id=str(pledge.public_id), program=code)
    if status != PledgeStatus.UNCONFIRMED:
        ledger.do_pledge_miles(
            pledge=ref,
            amount=Miles(amount=miles, program=code),
            idempotency_key=f"pledge:{pledge.public_id}",
            reference="test",
            actor_ref="system",
        )
    return ref


def _move(kind: str, ref: PledgeRef, miles: int | None = None) -> None:
    extra = {} if miles is None else {"amount": Miles(amount=miles, program=ref.program)}
    getattr(ledger, f"do_{kind}_miles")(
        pledge=ref,
        idempotency_key=f"{kind}:{ref.pledge_id}:{miles}",
        reference="test",
        actor_ref="system",
        **extra,
    )


def _export(staff: StaffMember) -> tuple[bytes, int]:
    """The export's bytes as a fresh sign-in downloads and opens it (gpg), and the queries
    it ran."""
    client = sign_in(Client(), staff)
    url = reverse(
        "donations:pledge_export", kwargs={"organisation_id": staff.organisation.public_id}
    )
    with CaptureQueriesContext(connection) as captured:
        response = post_export(client, url)
        assert response.streaming
        content = opened(response)
    return content, len(captured.captured_queries)


def _mixed_pledges(organisation: Organisation) -> None:
    spring = make_campaign(organisation=organisation, title="Spring, with a comma")
    formula = make_campaign(organisation=organisation, title="=HYPERLINK(1)")
    first = _pledge(number=1, code="UA", miles=50_000, campaign=spring)
    _move("reserve", first, 30_000)
    _move("redeem", first, 20_000)
    second = _pledge(number=2, code="UA", miles=10_000, campaign=spring)
    _move("expire", second)
    third = _pledge(
        number=3, code="UA", miles=7_000, campaign=formula, created_on=datetime.date(2026, 11, 11)
    )
    _move("withdraw", third)
    _pledge(
        number=4,
        code="AC",
        miles=3_000,
        campaign=None,
        status=PledgeStatus.UNCONFIRMED,
        created_on=datetime.date(2026, 11, 12),
    )
    _pledge(number=5, code="UA", miles=999_999, campaign=make_campaign())  # another's


def test_the_export_is_what_it_was_before_it_streamed() -> None:
    # Given pledges in every bucket, a campaign title with a comma and one like a formula
    staff = make_staff(Role.FUNDRAISER)
    _mixed_pledges(staff.organisation)

    # When a fundraiser exports them, then the bytes are the ones the export always wrote
    content, _queries = _export(staff)
    assert content.decode() == EXPECTED


def test_the_export_s_queries_do_not_grow_with_the_pledges() -> None:
    # Given an organisation with 3 pledges, exported, then 60 more
    staff = make_staff(Role.FUNDRAISER)
    campaign = make_campaign(organisation=staff.organisation)
    for number in range(1, 4):
        _pledge(number=number, code="UA", miles=1_000, campaign=campaign)
    few_content, few = _export(staff)
    for number in range(4, 64):
        _pledge(number=number, code="UA", miles=1_000, campaign=campaign)

    # When another fundraiser exports them
    many_content, many = _export(make_staff(Role.FUNDRAISER, staff.organisation))

    # Then the same queries read them all
    assert many == few
    assert few_content.count(b"\r\n") == 1 + 3
    assert many_content.count(b"\r\n") == 1 + 63


def test_balances_are_read_a_batch_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given more pledges than one batch
    staff = make_staff(Role.FUNDRAISER)
    campaign = make_campaign(organisation=staff.organisation)
    for number in range(1, 8):
        _pledge(number=number, code="UA", miles=1_000 * number, campaign=campaign)
    monkeypatch.setattr(selectors, "EXPORT_BATCH", 3)

    # When it is exported
    content, _queries = _export(staff)

    # Then every pledge is there once, newest first, with its own miles
    lines = content.decode().splitlines()[1:]
    assert [line.split(",")[0][-1] for line in lines] == ["7", "6", "5", "4", "3", "2", "1"]
    assert [line.split(",")[6] for line in lines] == [str(1_000 * n) for n in range(7, 0, -1)]

"""Staff pledge reports: scoped list with filters, CSV export with ledger miles, program totals."""

import csv
import datetime
import io
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.core.ledger import PledgeRef
from safepassage.core.money import Miles
from safepassage.donations.models import Campaign, Pledge, PledgeStatus
from safepassage.ledger import actions as ledger
from tests.donations.gift_factories import make_campaign, written
from tests.donations.pledges.factories import in_days
from tests.donations.reports.factories import program
from tests.exports.helpers import opened, post_export
from tests.factories import make_staff, sign_in

pytestmark = pytest.mark.django_db


def _pledge(
    *,
    code: str,
    miles: int,
    campaign: Campaign | None = None,
    status: str = PledgeStatus.CONFIRMED,
    created_on: datetime.date = datetime.date(2026, 11, 10),
) -> tuple[Pledge, PledgeRef]:
    pledge = Pledge.objects.create(
        program=program(code),
        campaign=campaign,
        miles=miles,
        expires_on=in_days(200),  # still to come, whenever the test runs
        status=status,
        submission_token=uuid.uuid4().hex,
        created_on=created_on,
    )
    ref = PledgeRef(pledge_id=str(pledge.public_id), program=code)
    ledger.do_pledge_miles(
        pledge=ref,
        amount=Miles(amount=miles, program=code),
        idempotency_key=f"pledge:{pledge.public_id}",
        reference="test",
        actor_ref="system",
    )
    return pledge, ref


def _move(kind: str, ref: PledgeRef, miles: int | None = None) -> None:
    mover = getattr(ledger, f"do_{kind}_miles")
    extra = {} if miles is None else {"amount": Miles(amount=miles, program=ref.program)}
    mover(
        pledge=ref,
        idempotency_key=f"{kind}:{ref.pledge_id}:{miles}",
        reference="test",
        actor_ref="system",
        **extra,
    )


def _url(name: str, organisation_id: uuid.UUID) -> str:
    return reverse(name, kwargs={"organisation_id": organisation_id})


def test_program_totals_add_up_the_ledger_buckets_of_pledges_in_scope(client: Client) -> None:
    # given: two UA pledges here (one reserved then redeemed, one partly expired), one AC
    # pledge in the shared pool, and a UA pledge to another organisation's campaign
    staff = make_staff(Role.VIEWER)
    campaign = make_campaign(organisation=staff.organisation)
    _first, first = _pledge(code="UA", miles=50_000, campaign=campaign)
    _move("reserve", first, 30_000)
    _move("redeem", first, 20_000)
    _second, second = _pledge(code="UA", miles=10_000, campaign=campaign)
    _move("expire", second)
    _pledge(code="AC", miles=7_000)
    _pledge(code="UA", miles=999_999, campaign=make_campaign())
    sign_in(client, staff)

    # when
    response = client.get(_url("donations:program_totals", staff.organisation.public_id))

    # then
    assert response.status_code == 200
    totals = {total.program_code: total for total in response.context["totals"]}
    united = totals["UA"]
    assert united.pledge_count == 2
    assert united.pledged == 60_000
    assert (united.available, united.reserved, united.redeemed, united.expired) == (
        20_000,
        10_000,
        20_000,
        10_000,
    )
    assert (
        united.available + united.reserved + united.redeemed + united.expired + united.withdrawn
        == united.pledged
    )
    assert totals["AC"].pledged == 7_000


def test_the_pledge_list_is_scoped_and_filters(client: Client) -> None:
    staff = make_staff(Role.FUNDRAISER)
    campaign = make_campaign(organisation=staff.organisation)
    mine, _ = _pledge(code="UA", miles=20_000, campaign=campaign)
    pooled, _ = _pledge(
        code="AC",
        miles=30_000,
        status=PledgeStatus.UNCONFIRMED,
        created_on=datetime.date(2026, 10, 1),
    )
    foreign, _ = _pledge(code="UA", miles=40_000, campaign=make_campaign())
    sign_in(client, staff)
    url = _url("donations:pledge_list", staff.organisation.public_id)

    def listed(query: dict[str, str]) -> set[Pledge]:
        response = client.get(url, query)
        assert response.status_code == 200
        return {row.pledge for row in response.context["rows"]}

    assert listed({}) == {mine, pooled}
    assert foreign not in listed({})
    assert listed({"campaign": str(campaign.public_id)}) == {mine}
    assert listed({"program": "AC"}) == {pooled}
    assert listed({"status": PledgeStatus.CONFIRMED}) == {mine}
    assert listed({"created_from": "2026-11-01"}) == {mine}
    assert listed({"created_until": "2026-10-31"}) == {pooled}
    assert listed({"status": "nonsense"}) == set()


def test_the_pledge_export_has_ledger_miles_no_donor_and_is_audited(client: Client) -> None:
    staff = make_staff(Role.ADMIN)
    campaign = make_campaign(organisation=staff.organisation)
    pledge, ref = _pledge(code="UA", miles=25_000, campaign=campaign)
    _move("reserve", ref, 5_000)
    sign_in(client, staff)

    response = post_export(client, _url("donations:pledge_export", staff.organisation.public_id))

    text = opened(response).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows == [
        {
            "pledge_id": str(pledge.public_id),
            "created_on": "2026-11-10",
            "program": "UA",
            "status": "confirmed",
            "expires_on": pledge.expires_on.isoformat(),
            "campaign": campaign.title,
            "pledged": "25000",
            "available": "20000",
            "reserved": "5000",
            "redeemed": "0",
            "expired": "0",
            "withdrawn": "0",
        }
    ]
    assert AuditEvent.objects.filter(action="pledges.exported_encrypted").count() == 1


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.TRAVEL_COORDINATOR])
def test_case_roles_cannot_see_or_export_pledges_and_nothing_is_written(
    client: Client, role: str
) -> None:
    staff = make_staff(role)
    _pledge(code="UA", miles=25_000, campaign=make_campaign(organisation=staff.organisation))
    sign_in(client, staff)
    before = written()

    for name in ("donations:pledge_list", "donations:pledge_export", "donations:program_totals"):
        assert client.get(_url(name, staff.organisation.public_id)).status_code == 403
    assert (
        post_export(
            client, _url("donations:pledge_export", staff.organisation.public_id)
        ).status_code
        == 403
    )
    assert written() == before


def test_an_admin_of_another_organisation_gets_404_and_no_export_is_audited(
    client: Client,
) -> None:
    victim = make_staff(Role.ADMIN)
    sign_in(client, make_staff(Role.ADMIN))
    before = written()

    response = client.get(_url("donations:pledge_export", victim.organisation.public_id))
    posted = post_export(client, _url("donations:pledge_export", victim.organisation.public_id))

    assert response.status_code == 404
    assert posted.status_code == 404
    assert written() == before


def test_campaign_totals_show_confirmed_miles_still_promised_per_program(client: Client) -> None:
    # given: a campaign with a UA pledge (part expired), an AC pledge, and an unconfirmed one
    staff = make_staff(Role.FUNDRAISER)
    campaign = make_campaign(organisation=staff.organisation)
    _united, united = _pledge(code="UA", miles=30_000, campaign=campaign)
    _move("reserve", united, 10_000)
    _move("expire", united)
    _pledge(code="AC", miles=5_000, campaign=campaign)
    _pledge(code="AC", miles=70_000, campaign=campaign, status=PledgeStatus.UNCONFIRMED)
    sign_in(client, staff)

    # when
    response = client.get(_url("donations:gift_totals", staff.organisation.public_id))

    # then: AC 5,000 and UA 10,000 (reserved; the 20,000 available expired)
    row = next(row for row in response.context["rows"] if row.campaign == campaign)
    assert row.miles == (Miles(amount=5_000, program="AC"), Miles(amount=10_000, program="UA"))
    assert "10,000 UA" in response.content.decode()

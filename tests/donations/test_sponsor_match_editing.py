"""Staff change and end sponsor matches; totals donors have seen never shrink, the ledger
stays balanced, and other roles change nothing."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.core.money import Money
from safepassage.donations.gifts.actions import GiftDestination, do_record_staff_gift
from safepassage.donations.models import Campaign, GiftSource, SponsorMatch
from safepassage.donations.selectors import get_campaign_totals
from safepassage.ledger.selectors import verify_ledger
from tests.donations.gift_factories import make_campaign
from tests.factories import OrganisationFactory, StaffMember, make_staff, sign_in

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    noon = datetime.datetime(2026, 11, 25, 12, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: noon)


def _give(staff: StaffMember, campaign: Campaign, amount: str, received_on: datetime.date) -> None:
    do_record_staff_gift(
        user=staff.user,
        submission_key=uuid.uuid4().hex,
        destination=GiftDestination(organisation=campaign.organisation, campaign=campaign),
        amount=Money(amount=Decimal(amount), currency="EUR"),
        source=GiftSource.BANK_TRANSFER,
        received_on=received_on,
        donor_name="",
        donor_email="",
    )


def _setup(role: str = Role.FUNDRAISER) -> tuple[StaffMember, Campaign, SponsorMatch]:
    """A campaign with 100 EUR given and a sponsor doubling it up to 500 EUR."""
    staff = make_staff(role)
    campaign = make_campaign(organisation=staff.organisation)
    match = SponsorMatch.objects.create(
        campaign=campaign, sponsor_name="Harbour Bank", ratio=1, cap=500, currency="EUR"
    )
    _give(staff, campaign, "100.00", TODAY - datetime.timedelta(days=3))
    return staff, campaign, match


def _urls(campaign: Campaign, match: SponsorMatch) -> tuple[str, str]:
    kwargs = {"campaign_id": campaign.public_id, "match_id": match.public_id}
    return (
        reverse("donations:sponsor_match_edit", kwargs=kwargs),
        reverse("donations:sponsor_match_end", kwargs=kwargs),
    )


def _matched(campaign: Campaign) -> Decimal:
    return get_campaign_totals(campaign=campaign).matched.amount


def test_raising_the_cap_and_ratio_counts_at_once_and_is_audited() -> None:
    # given
    staff, campaign, match = _setup()
    edit_url, _end_url = _urls(campaign, match)
    client = sign_in(Client(), staff)

    # when
    page = client.get(edit_url)
    response = client.post(edit_url, {"sponsor_name": "Harbour Bank", "ratio": "2", "cap": "900"})

    # then
    assert "Matched so far:" in page.text
    assert response.status_code == 302
    assert _matched(campaign) == Decimal("200.00")
    totals = get_campaign_totals(campaign=campaign)
    assert totals.money_total.amount == Decimal("300.00")
    audit = AuditEvent.objects.get(action="sponsor_match.updated")
    assert audit.object_ref == str(match.public_id)
    assert "Harbour" not in str(AuditEvent.objects.values())
    assert verify_ledger().lines == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"cap": "99.99"}, "cannot be lower than what this sponsor has matched"),
        ({"ratio": "0.5"}, "ratio can only go up"),
    ],
)
def test_a_change_that_would_shrink_what_is_matched_is_refused(
    changes: dict[str, str], message: str
) -> None:
    staff, campaign, match = _setup()
    edit_url, _end_url = _urls(campaign, match)

    response = sign_in(Client(), staff).post(
        edit_url, {"sponsor_name": "Harbour Bank", "ratio": "1", "cap": "500"} | changes
    )

    assert response.status_code == 200
    assert message in response.text
    match.refresh_from_db()
    assert (match.ratio, match.cap) == (Decimal(1), Decimal(500))
    assert _matched(campaign) == Decimal("100.00")
    assert not AuditEvent.objects.filter(action="sponsor_match.updated").exists()


def test_the_cap_may_come_down_to_what_is_matched_and_the_ratio_down_before_any_gift() -> None:
    staff, campaign, match = _setup()
    edit_url, _end_url = _urls(campaign, match)
    client = sign_in(Client(), staff)
    fresh = SponsorMatch.objects.create(
        campaign=make_campaign(organisation=staff.organisation),
        sponsor_name="New sponsor",
        ratio=1,
        cap=500,
        currency="EUR",
    )
    fresh_url, _fresh_end = _urls(fresh.campaign, fresh)

    to_matched = client.post(edit_url, {"sponsor_name": "Harbour Bank", "ratio": "1", "cap": "100"})
    lowered = client.post(fresh_url, {"sponsor_name": "New sponsor", "ratio": "0.5", "cap": "500"})

    assert (to_matched.status_code, lowered.status_code) == (302, 302)
    assert _matched(campaign) == Decimal("100.00")


def test_ending_a_match_keeps_what_it_matched_and_matches_no_later_gift() -> None:
    # given
    staff, campaign, match = _setup()
    _edit_url, end_url = _urls(campaign, match)

    # when: the match ends today, then gifts arrive today and tomorrow
    response = sign_in(Client(), staff).post(end_url, {"ends_on": TODAY.isoformat()})
    _give(staff, campaign, "30.00", TODAY)
    _give(staff, campaign, "50.00", TODAY + datetime.timedelta(days=1))

    # then: 100 + 30 matched, the 50 is counted as given but not matched
    assert response.status_code == 302
    totals = get_campaign_totals(campaign=campaign)
    assert totals.given.amount == Decimal("180.00")
    assert totals.matched.amount == Decimal("130.00")
    assert totals.money_total.amount == Decimal("310.00")
    assert totals.matches[0].ends_on == TODAY
    assert AuditEvent.objects.filter(
        action="sponsor_match.ended", object_ref=str(match.public_id)
    ).exists()
    assert verify_ledger().lines == []


def test_a_match_cannot_end_in_the_past_and_an_ended_match_cannot_change() -> None:
    staff, campaign, match = _setup()
    edit_url, end_url = _urls(campaign, match)
    client = sign_in(Client(), staff)

    in_the_past = client.post(end_url, {"ends_on": "2026-11-24"})
    match.ends_on = TODAY - datetime.timedelta(days=1)
    match.save(update_fields=["ends_on"])
    after_end = client.post(edit_url, {"sponsor_name": "X", "ratio": "3", "cap": "900"})
    end_again = client.post(end_url, {"ends_on": "2026-12-31"})

    assert "ending it earlier would un-match" in in_the_past.text
    assert "no longer be changed" in after_end.text
    assert "no longer be changed" in end_again.text
    match.refresh_from_db()
    assert (match.sponsor_name, match.ends_on) == ("Harbour Bank", datetime.date(2026, 11, 24))
    assert not AuditEvent.objects.filter(action__startswith="sponsor_match.").exists()


def _written() -> tuple[int, list[tuple[str, Decimal, Decimal, datetime.date | None]]]:
    return AuditEvent.objects.count(), list(
        SponsorMatch.objects.values_list("sponsor_name", "ratio", "cap", "ends_on")
    )


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.VIEWER, Role.TRAVEL_COORDINATOR])
def test_other_roles_cannot_change_or_end_a_match_and_nothing_is_written(role: str) -> None:
    staff, campaign, match = _setup(role)
    edit_url, end_url = _urls(campaign, match)
    client = sign_in(Client(), staff)
    before = _written()

    statuses = [
        client.get(edit_url).status_code,
        client.post(edit_url, {"sponsor_name": "X", "ratio": "3", "cap": "900"}).status_code,
        client.post(end_url, {"ends_on": TODAY.isoformat()}).status_code,
    ]

    assert statuses == [403, 403, 403]
    assert _written() == before


def test_another_organisations_admin_gets_404_and_nothing_is_written() -> None:
    _staff, campaign, match = _setup()
    edit_url, end_url = _urls(campaign, match)
    client = sign_in(Client(), make_staff(Role.ADMIN, OrganisationFactory.create()))
    before = _written()

    statuses = [
        client.get(edit_url).status_code,
        client.post(edit_url, {"sponsor_name": "X", "ratio": "3", "cap": "900"}).status_code,
        client.post(end_url, {"ends_on": TODAY.isoformat()}).status_code,
    ]

    assert statuses == [404, 404, 404]
    assert _written() == before


def test_a_match_is_only_found_under_its_own_campaign() -> None:
    staff, _campaign, match = _setup()
    other = make_campaign(organisation=staff.organisation)
    url = reverse(
        "donations:sponsor_match_edit",
        kwargs={"campaign_id": other.public_id, "match_id": match.public_id},
    )

    assert sign_in(Client(), staff).get(url).status_code == 404


def test_a_match_that_has_matched_gifts_cannot_be_removed_only_ended() -> None:
    # given a match that has matched 100 EUR, shown on the public page
    staff, campaign, match = _setup()
    url = reverse(
        "donations:sponsor_match_remove",
        kwargs={"campaign_id": campaign.public_id, "match_id": match.public_id},
    )
    client = sign_in(Client(), staff)

    # when the fundraiser tries to remove it
    response = client.post(url, follow=True)

    # then it stays, the total donors saw does not shrink, nothing is audited, and the page
    # says to end it instead
    assert response.status_code == 200
    assert SponsorMatch.objects.filter(pk=match.pk).exists()
    assert _matched(campaign) == Decimal("100.00")
    assert not AuditEvent.objects.filter(action="sponsor_match.removed").exists()
    assert "end it instead" in response.text


def test_a_match_that_has_matched_nothing_can_still_be_removed() -> None:
    # given a match on a campaign in another currency than any gift
    staff = make_staff(Role.FUNDRAISER)
    campaign = make_campaign(organisation=staff.organisation)
    match = SponsorMatch.objects.create(
        campaign=campaign, sponsor_name="Typo Bank", ratio=1, cap=500, currency="EUR"
    )
    url = reverse(
        "donations:sponsor_match_remove",
        kwargs={"campaign_id": campaign.public_id, "match_id": match.public_id},
    )

    # when the fundraiser removes it
    response = sign_in(Client(), staff).post(url)

    # then it is gone and audited
    assert response.status_code == 302
    assert not SponsorMatch.objects.filter(pk=match.pk).exists()
    assert AuditEvent.objects.filter(action="sponsor_match.removed").count() == 1


def test_the_goal_currency_cannot_change_under_a_sponsor_match() -> None:
    # given a EUR campaign whose sponsor has matched 100 EUR
    staff, campaign, _match = _setup()
    client = sign_in(Client(), staff)
    url = reverse("donations:campaign_edit", kwargs={"campaign_id": campaign.public_id})
    form = {
        "organisation": staff.organisation.pk,
        "title": campaign.title,
        "slug": campaign.slug,
        "goal_money": "5000",
        "starts_on": "2026-11-01",
    }

    # when staff switch its currency to USD (the match would silently drop out of the total)
    refused = client.post(url, form | {"goal_currency": "USD"})
    same_currency = client.post(url, form | {"goal_currency": "EUR", "goal_money": "6000"})

    # then the switch is refused with a reason and the donors' total keeps the match
    assert refused.status_code == 200
    assert "sponsor match" in refused.text
    assert same_currency.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.goal_currency, campaign.goal_money) == ("EUR", Decimal("6000.00"))
    assert get_campaign_totals(campaign=campaign).money_total.amount == Decimal("200.00")
    assert AuditEvent.objects.filter(action="campaign.updated").count() == 1


def test_a_cap_with_more_decimals_than_the_currency_is_a_form_error_not_a_broken_page() -> None:
    # given a yen campaign (no minor unit) and its fundraiser
    staff = make_staff(Role.FUNDRAISER)
    campaign = make_campaign(organisation=staff.organisation)
    Campaign.objects.filter(pk=campaign.pk).update(goal_currency="JPY")
    client = sign_in(Client(), staff)
    add = reverse("donations:sponsor_match_add", kwargs={"campaign_id": campaign.public_id})

    # when they give the cap in sen, then in whole yen
    refused = client.post(add, {"sponsor_name": "Harbour Bank", "ratio": "1", "cap": "5000.50"})
    nothing_added = not SponsorMatch.objects.exists()
    taken = client.post(add, {"sponsor_name": "Harbour Bank", "ratio": "1", "cap": "5000"})

    # then the first is refused with a reason, the second is taken, the public page works
    assert refused.status_code == 200
    assert "JPY" in refused.text
    assert nothing_added
    assert taken.status_code == 302
    page = Client().get(reverse("donations:campaign", kwargs={"slug": campaign.slug}))
    assert page.status_code == 200


def test_a_stored_cap_finer_than_its_currency_still_shows_the_campaign() -> None:
    # given a yen match stored with sen before caps were checked
    campaign = make_campaign()
    Campaign.objects.filter(pk=campaign.pk).update(goal_currency="JPY")
    SponsorMatch.objects.create(
        campaign=campaign, sponsor_name="Old sponsor", ratio=1, cap="500.50", currency="JPY"
    )

    # when anyone opens the campaign page
    page = Client().get(reverse("donations:campaign", kwargs={"slug": campaign.slug}))

    # then it shows, with the cap in whole yen
    assert page.status_code == 200
    campaign.refresh_from_db()
    assert get_campaign_totals(campaign=campaign).matches[0].cap.amount == Decimal(500)

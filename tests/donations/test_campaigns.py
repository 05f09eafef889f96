"""Campaigns: staff create, edit and publish them; the public page shows honest totals."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from pytest_django import Settings

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.core.money import Money
from safepassage.donations.cover_images import reencode_cover_image
from safepassage.donations.errors import CoverImageInvalid, CoverImageTooLarge
from safepassage.donations.models import Campaign
from safepassage.donations.selectors import compute_match, get_campaign_totals, get_pledge_url
from tests.donations.factories import (
    CampaignFactory,
    ensure_catalogue,
    make_gift,
    make_match,
    make_pledge,
)
from tests.factories import make_staff, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalogue() -> None:
    ensure_catalogue()


@pytest.fixture(autouse=True)
def _media_root(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (3000, 2000), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"  # Make
    exif[0x8825] = {2: (55, 45, 0)}  # GPS info
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return output.getvalue()


def _form(organisation_pk: int, **changes: object) -> dict[str, object]:
    return {
        "organisation": organisation_pk,
        "title": "Safe passage winter appeal",
        "slug": "winter-appeal",
        "story": "Forty people are waiting.",
        "goal_money": "25000",
        "goal_currency": "EUR",
        "goal_miles": "1000000",
        "starts_on": "2026-12-01",
        "ends_on": "2027-01-31",
        "cover_description": "A red square",
    } | changes


def test_reencoding_strips_metadata_and_bounds_the_size() -> None:
    data = _jpeg_with_exif()
    encoded = reencode_cover_image(upload=io.BytesIO(data), size=len(data))
    assert encoded.content_type == "image/jpeg"
    assert b"SecretCameraMaker" not in encoded.content
    with Image.open(io.BytesIO(encoded.content)) as image:
        assert max(image.size) == 1600
        assert not image.getexif()


def test_reencoding_refuses_what_is_not_an_image_or_too_large() -> None:
    with pytest.raises(CoverImageInvalid):
        reencode_cover_image(upload=io.BytesIO(b"<svg onload=alert(1)>"), size=21)
    with pytest.raises(CoverImageTooLarge):
        reencode_cover_image(upload=io.BytesIO(b""), size=6 * 1024 * 1024)


def test_a_fundraiser_creates_a_campaign_with_a_clean_cover_audited() -> None:
    # given a fundraiser
    fundraiser = make_staff(Role.FUNDRAISER)
    client = sign_in(Client(), fundraiser)
    cover = SimpleUploadedFile("photo.jpg", _jpeg_with_exif(), content_type="image/jpeg")
    # when they create a campaign with a cover photo
    response = client.post(
        reverse("donations:campaign_create"),
        _form(fundraiser.organisation.pk, cover=cover),
    )
    # then it exists, unpublished, with a re-encoded cover and an audit event
    assert response.status_code == 302
    campaign = Campaign.objects.get(slug="winter-appeal")
    assert campaign.organisation == fundraiser.organisation
    assert not campaign.is_published
    assert campaign.cover_content_type == "image/jpeg"
    stored = campaign.cover_image.read()
    assert b"SecretCameraMaker" not in stored
    assert "photo" not in str(campaign.cover_image.name)
    event = AuditEvent.objects.get(action="campaign.created")
    assert event.object_ref == str(campaign.public_id)
    # and once published, the cover is served with its type and nosniff
    client.post(
        reverse("donations:campaign_publish", kwargs={"campaign_id": campaign.public_id}),
        {"publish": "1"},
    )
    served = Client().get(reverse("donations:campaign_cover", kwargs={"slug": "winter-appeal"}))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="campaign.published").count() == 1


def test_a_file_that_is_not_an_image_gets_a_clear_error_and_nothing_is_stored() -> None:
    fundraiser = make_staff(Role.FUNDRAISER)
    cover = SimpleUploadedFile("x.jpg", b"GIF89a-not-really", content_type="image/jpeg")
    response = sign_in(Client(), fundraiser).post(
        reverse("donations:campaign_create"), _form(fundraiser.organisation.pk, cover=cover)
    )
    assert response.status_code == 200
    assert "not an image we can read" in response.text
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.VIEWER, Role.TRAVEL_COORDINATOR])
def test_other_roles_cannot_create_campaigns_and_nothing_is_written(role: str) -> None:
    staff = make_staff(role)
    events_before = AuditEvent.objects.count()
    response = sign_in(Client(), staff).post(
        reverse("donations:campaign_create"), _form(staff.organisation.pk)
    )
    assert response.status_code == 403
    assert not Campaign.objects.exists()
    assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize(
    "changes",
    [
        {"goal_miles": "9" * 25},
        {"goal_miles": str(2**63)},
        {"goal_money": "9" * 25},
        {"goal_money": "1000000000000.00"},
        {"beneficiaries": ["9" * 25]},
        {"beneficiaries": ["²"]},  # a digit to str.isdigit(), not to int()
        {"beneficiaries": ["\u0661" * 25]},  # Arabic-Indic digits: int() reads them
    ],
)
def test_goals_too_large_for_the_database_are_refused_by_the_form(
    changes: dict[str, object],
) -> None:
    # given a fundraiser
    fundraiser = make_staff(Role.FUNDRAISER)
    client = sign_in(Client(), fundraiser)
    client.raise_request_exception = True

    # when they type a goal the database column cannot hold
    response = client.post(
        reverse("donations:campaign_create"), _form(fundraiser.organisation.pk, **changes)
    )

    # then the form says so (no server error on any database) and nothing is saved
    assert response.status_code == 200
    assert not Campaign.objects.exists()


def test_a_fundraiser_cannot_create_a_campaign_for_another_organisation() -> None:
    fundraiser = make_staff(Role.FUNDRAISER)
    stranger = make_staff(Role.ADMIN)
    response = sign_in(Client(), fundraiser).post(
        reverse("donations:campaign_create"), _form(stranger.organisation.pk)
    )
    assert response.status_code == 200
    assert not Campaign.objects.exists()


def test_another_organisations_admin_cannot_edit_or_publish_and_nothing_is_written() -> None:
    campaign = CampaignFactory.create(is_published=False)
    outsider = make_staff(Role.ADMIN)
    client = sign_in(Client(), outsider)
    events_before = AuditEvent.objects.count()
    publish = client.post(
        reverse("donations:campaign_publish", kwargs={"campaign_id": campaign.public_id}),
        {"publish": "1"},
    )
    edit = client.post(
        reverse("donations:campaign_edit", kwargs={"campaign_id": campaign.public_id}),
        _form(outsider.organisation.pk),
    )
    assert (publish.status_code, edit.status_code) == (404, 404)
    campaign.refresh_from_db()
    assert not campaign.is_published
    assert campaign.slug != "winter-appeal"
    assert AuditEvent.objects.count() == events_before


def test_the_public_page_shows_gifts_matching_and_svg_progress() -> None:
    # given a campaign with 1,000 USD given and a sponsor matching 1:1 up to 600
    campaign = CampaignFactory.create(goal_money=Decimal(4000), goal_currency="USD")
    make_gift(campaign=campaign, amount="400.00")
    make_gift(campaign=campaign, amount="600.00")
    make_gift(campaign=campaign, amount="50.00", currency="EUR")
    make_match(campaign=campaign, ratio="1", cap="600")
    # when anyone opens the page
    response = Client().get(reverse("donations:campaign", kwargs={"slug": campaign.slug}))
    # then the totals count the match, not the other currency
    totals = get_campaign_totals(campaign=campaign)
    assert totals.given == Money(amount=Decimal("1000.00"), currency="USD")
    assert totals.matched == Money(amount=Decimal("600.00"), currency="USD")
    assert totals.money_total == Money(amount=Decimal("1600.00"), currency="USD")
    assert totals.other_currency_gift_count == 1
    assert "1,600.00 USD of 4,000.00 USD" in response.text
    assert '<rect x="0" y="0" width="40" height="8"' in response.text
    assert "40 percent of the goal" in response.text
    assert "style=" not in response.text


def test_only_confirmed_pledges_count_and_show_amount_and_program_only() -> None:
    # given confirmed, unconfirmed and withdrawn pledges
    campaign = CampaignFactory.create(goal_miles=200_000)
    make_pledge(program_code="UA", miles=60_000, campaign=campaign)
    make_pledge(program_code="SQ", miles=40_000, campaign=campaign)
    make_pledge(program_code="DL", miles=90_000, campaign=campaign, status="unconfirmed")
    make_pledge(program_code="DL", miles=70_000, campaign=campaign, status="withdrawn")
    make_pledge(program_code="DL", miles=5_000, campaign=CampaignFactory.create())
    # when anyone opens the page
    response = Client().get(reverse("donations:campaign", kwargs={"slug": campaign.slug}))
    # then only the confirmed ones count, listed by program and amount
    totals = get_campaign_totals(campaign=campaign)
    assert (totals.miles_pledged, totals.pledge_count) == (100_000, 2)
    assert "100,000 of 200,000 miles pledged" in response.text
    assert '<rect x="0" y="0" width="50" height="8"' in response.text
    assert "<td>Singapore Airlines KrisFlyer</td><td>40,000</td>" in response.text
    assert "Delta" not in response.text


def test_unpublished_campaigns_are_not_found() -> None:
    campaign = CampaignFactory.create(is_published=False)
    assert (
        Client().get(reverse("donations:campaign", kwargs={"slug": campaign.slug})).status_code
        == 404
    )
    assert campaign.title not in Client().get(reverse("donations:campaign_list")).text


@given(
    given_cents=st.integers(min_value=0, max_value=10**12),
    ratio=st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10), places=3),
    cap_cents=st.integers(min_value=1, max_value=10**12),
)
def test_a_match_never_exceeds_its_cap_or_the_ratio(
    given_cents: int, ratio: Decimal, cap_cents: int
) -> None:
    given_money = Money.from_minor_units(amount=given_cents, currency="USD")
    cap = Money.from_minor_units(amount=cap_cents, currency="USD")
    matched = compute_match(given=given_money, ratio=ratio, cap=cap)
    assert matched <= cap
    assert matched.amount <= given_money.amount * ratio
    assert matched.amount >= min(cap.amount, given_money.amount * ratio) - Decimal("0.01")


def test_the_pledge_link_appears_only_when_the_pledge_page_exists() -> None:
    campaign = CampaignFactory.create()
    response = Client().get(reverse("donations:campaign", kwargs={"slug": campaign.slug}))
    target = get_pledge_url(campaign_slug=campaign.slug)
    if target is None:
        assert "Pledge miles or points" not in response.text
    else:
        assert f'href="{target}"' in response.text


def test_staff_remove_a_sponsor_match_audited_and_outsiders_cannot() -> None:
    # given a campaign with a match, its fundraiser and another organisation's admin
    campaign = CampaignFactory.create()
    match = make_match(campaign=campaign, ratio="1", cap="500")
    fundraiser = make_staff(Role.FUNDRAISER, campaign.organisation)
    url = reverse(
        "donations:sponsor_match_remove",
        kwargs={"campaign_id": campaign.public_id, "match_id": match.public_id},
    )
    # when the outsider tries, nothing changes
    assert sign_in(Client(), make_staff(Role.ADMIN)).post(url).status_code == 404
    assert campaign.sponsor_matches.count() == 1
    assert not AuditEvent.objects.filter(action="sponsor_match.removed").exists()
    # when the fundraiser removes it, it is gone and audited
    assert sign_in(Client(), fundraiser).post(url).status_code == 302
    assert campaign.sponsor_matches.count() == 0
    assert AuditEvent.objects.get(action="sponsor_match.removed").object_ref == str(match.public_id)


def test_staff_preview_the_cover_of_an_unpublished_campaign() -> None:
    fundraiser = make_staff(Role.FUNDRAISER)
    client = sign_in(Client(), fundraiser)
    cover = SimpleUploadedFile("photo.jpg", _jpeg_with_exif(), content_type="image/jpeg")
    client.post(
        reverse("donations:campaign_create"), _form(fundraiser.organisation.pk, cover=cover)
    )
    campaign = Campaign.objects.get(slug="winter-appeal")
    preview = reverse(
        "donations:campaign_cover_preview", kwargs={"campaign_id": campaign.public_id}
    )
    assert client.get(preview)["Content-Type"] == "image/jpeg"
    assert sign_in(Client(), make_staff(Role.ADMIN)).get(preview).status_code == 404
    public = reverse("donations:campaign_cover", kwargs={"slug": campaign.slug})
    assert Client().get(public).status_code == 404

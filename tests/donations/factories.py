"""Factories for programs, campaigns and sponsor matches."""

import datetime
import importlib
import uuid
from decimal import Decimal

import factory
from django.apps import apps
from django.db.models import QuerySet
from factory.declarations import Sequence, SubFactory

from safepassage.donations.models import Campaign, Gift, GiftSource, Program, SponsorMatch
from safepassage.donations.models.pledges import Pledge, PledgeStatus
from safepassage.events.models import Event
from safepassage.organisations.models import Organisation
from tests.factories import OrganisationFactory


class CampaignFactory(factory.django.DjangoModelFactory[Campaign]):
    class Meta:
        model = Campaign

    slug = Sequence(lambda number: f"campaign-{number}")
    title = Sequence(lambda number: f"Campaign {number}")
    story = "Safe passage for people in danger."
    organisation = SubFactory(OrganisationFactory)
    goal_money = Decimal("10000.00")
    goal_currency = "USD"
    goal_miles = 500_000
    starts_on = datetime.date(2026, 11, 1)
    is_published = True


def make_gift(*, campaign: Campaign, amount: str, currency: str = "USD") -> Gift:
    """A recorded cash gift (as the gifts engineer's actions would leave it)."""
    return Gift.objects.create(
        organisation=campaign.organisation,
        campaign=campaign,
        amount=Decimal(amount),
        currency=currency,
        source=GiftSource.BANK_TRANSFER,
        idempotency_key=f"test:{Gift.objects.count()}:{campaign.public_id}",
        received_on=datetime.date(2026, 11, 20),
    )


def make_match(*, campaign: Campaign, ratio: str, cap: str) -> SponsorMatch:
    return SponsorMatch.objects.create(
        campaign=campaign,
        sponsor_name="Sponsor",
        ratio=Decimal(ratio),
        cap=Decimal(cap),
        currency=campaign.goal_currency,
    )


def matrix_campaign(organisation: Organisation) -> Campaign:
    """The one published campaign the permission matrix visits."""
    campaign, _created = Campaign.objects.get_or_create(
        slug="matrix-campaign",
        defaults={
            "title": "Matrix campaign",
            "organisation": organisation,
            "goal_money": Decimal(1000),
            "starts_on": datetime.date(2026, 11, 1),
            "is_published": True,
        },
    )
    return campaign


def ensure_catalogue() -> "QuerySet[Program]":
    """The seeded catalogue, loaded again if a transactional test flushed it."""
    if not Program.objects.filter(code="UA").exists():
        loader = importlib.import_module(
            "safepassage.donations.migrations.0004_load_program_catalogue"
        )
        loader.load(apps, None)
        importlib.import_module(
            "safepassage.donations.migrations.0009_seed_delegated_booking"
        ).load(apps, None)
    return Program.objects.all()


def make_pledge(
    *,
    program_code: str,
    miles: int,
    campaign: Campaign | None = None,
    event: Event | None = None,
    status: str = PledgeStatus.CONFIRMED,
) -> Pledge:
    """A pledge in ``status`` (as the pledge engineer's actions would leave it)."""
    return Pledge.objects.create(
        program=ensure_catalogue().get(code=program_code),
        campaign=campaign,
        event=event,
        miles=miles,
        expires_on=datetime.date(2030, 1, 1),
        status=status,
        submission_token=uuid.uuid4().hex,
        created_on=datetime.date(2026, 11, 20),
        confirmed_on=datetime.date(2026, 11, 21) if status == PledgeStatus.CONFIRMED else None,
    )


def matrix_sponsor_match(campaign: Campaign) -> SponsorMatch:
    """The one sponsor match of the matrix campaign."""
    match, _created = SponsorMatch.objects.get_or_create(
        campaign=campaign,
        sponsor_name="Matrix sponsor",
        defaults={"ratio": Decimal(1), "cap": Decimal(500), "currency": campaign.goal_currency},
    )
    return match

"""``safepassage demo`` seeds a network with a user per role, once."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import Membership
from safepassage.accounts.roles import Role
from safepassage.audit.selectors import get_chain_head, iter_chain_entries
from safepassage.core.audit_chain import verify_chain
from safepassage.core.money import Money
from safepassage.donations.models import Campaign, Gift, Pledge, PledgeStatus
from safepassage.donations.selectors import get_campaign_totals
from safepassage.events.models import Event
from safepassage.organisations.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db


def test_demo_seeds_every_role_and_kind_and_its_credentials_work() -> None:
    out = StringIO()

    call_command("demo", stdout=out)

    assert set(Organisation.objects.values_list("kind", flat=True)) == set(OrganisationKind.values)
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    line = next(line for line in out.getvalue().splitlines() if "caseworker@" in line)
    email, password = line.split()[1], line.split()[-1]
    client = Client()
    client.post(reverse("accounts:login"), {"email": email, "password": password})
    code_out = StringIO()
    call_command("demo", "--code", email, stdout=code_out)
    client.post(reverse("accounts:two_factor"), {"code": code_out.getvalue().strip()})
    assert client.get(reverse("site:dashboard")).status_code == 200
    assert verify_chain(list(iter_chain_entries()), head=get_chain_head()) == []


def test_demo_runs_once_and_never_prints_credentials_again() -> None:
    call_command("demo", stdout=StringIO())
    out = StringIO()

    call_command("demo", stdout=out)

    assert "exists already" in out.getvalue()
    assert "password" not in out.getvalue()


def test_codes_are_only_printed_for_demo_users() -> None:
    with pytest.raises(CommandError, match="demo users only"):
        call_command("demo", "--code", "someone@example.org")


def test_demo_pledges_and_gifts_show_totals_and_keep_ledger_and_audit_consistent() -> None:
    call_command("demo", stdout=StringIO())

    event = Event.objects.select_related("campaign").get(slug="harbour-lights-evening")
    assert event.campaign is not None
    totals = get_campaign_totals(campaign=event.campaign)
    assert totals.miles_pledged > 0
    assert totals.money_total > Money.zero(currency=event.campaign.goal_currency)
    winter = get_campaign_totals(campaign=Campaign.objects.get(slug="winter-passage"))
    assert winter.matched > Money.zero(currency="USD")
    assert Pledge.objects.filter(status=PledgeStatus.WITHDRAWN).count() == 1
    assert Pledge.objects.filter(event=event, status=PledgeStatus.CONFIRMED).exists()
    assert Gift.objects.exists()
    page = Client().get(reverse("donations:campaign", kwargs={"slug": event.campaign.slug}))
    assert page.status_code == 200
    content = page.content.decode()
    assert f"{totals.miles_pledged:,} of {event.campaign.goal_miles:,} miles pledged" in content
    given = f"{totals.given.amount:,} {totals.given.currency}"  # grouped, as pages write it
    assert f"{given} given in {totals.gift_count} gifts" in content
    ledger_out, audit_out = StringIO(), StringIO()
    call_command("ledger", "verify", stdout=ledger_out)
    call_command("audit", "verify", stdout=audit_out)
    assert "Ledger consistent" in ledger_out.getvalue()
    assert "Audit chain intact" in audit_out.getvalue()


def test_the_demo_publishes_its_past_months_so_the_public_page_shows_how_figures_look() -> None:
    # Given the demo network (gifts and a trip in months that ended a month ago or more)
    call_command("demo", stdout=StringIO())

    # When a visitor opens the transparency page
    content = Client().get(reverse("transparency:page")).content.decode()

    # Then it shows a publication with its months (small figures withheld as they would be
    # in production), not the notice that nothing has been published yet
    assert "No figures have been published yet" not in content
    assert "Figures up to the end of" in content
    assert "By month" in content

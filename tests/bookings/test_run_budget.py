"""A run's cash budget may not exceed what the organisation holds, counted in the run's
currency at the recorded rates (decision 0021): refused with the amount it allows and the
currencies not counted, nothing written, the form shown again with the input kept."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.bookings import actions
from safepassage.bookings.errors import BudgetAboveCash
from safepassage.bookings.models import AllocationRun
from safepassage.donations.gifts.actions import do_record_exchange_rate
from tests.bookings.factories import (
    Network,
    committed,
    fund_cash,
    make_network,
    planned_case,
    pledge_of,
    travel_request,
)
from tests.cases.factories import sign_in_with_keys
from tests.factories import make_staff, sign_in

pytestmark = pytest.mark.django_db


def _network() -> Network:
    network = make_network()
    travel_request(planned_case(network), program=network.program, travellers=1)
    pledge_of(network)
    return network


def _start(network: Network, budget: str, currency: str = "USD") -> AllocationRun:
    with committed():
        return actions.do_start_run(
            actor=network.coordinator.user,
            organisation=network.organisation,
            cash_budget=Decimal(budget),
            currency=currency,
            time_limit_seconds=5,
        )


def _url(network: Network) -> str:
    return reverse("bookings:runs", kwargs={"organisation_id": network.organisation.public_id})


def test_a_budget_up_to_what_the_organisation_holds_starts_the_run() -> None:
    network = _network()
    fund_cash(network, amount="3000.00")
    run = _start(network, "3000.00")
    assert run.cash_budget == Decimal("3000.00")


def test_a_budget_above_what_it_holds_is_refused_and_nothing_is_written() -> None:
    # given a fund holding 3,000 USD
    network = _network()
    fund_cash(network, amount="3000.00")
    events = AuditEvent.objects.count()
    # when a coordinator asks for 50,000
    with pytest.raises(BudgetAboveCash) as caught:
        _start(network, "50000")
    # then it is refused naming what the fund allows, and nothing is stored or queued
    assert "3000.00 USD" in str(caught.value)
    assert not AllocationRun.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert AuditEvent.objects.count() == events


def test_currencies_without_a_rate_are_named_and_not_counted() -> None:
    # given 1,000 USD and 500 EUR, a EUR->USD rate only too old to count
    network = _network()
    fund_cash(network, amount="1000.00")
    fund_cash(network, amount="500.00", currency="EUR")
    do_record_exchange_rate(
        base_currency="EUR",
        quote_currency="USD",
        rate=Decimal("1.10"),
        as_of=timezone.localdate() - timedelta(days=30),
        source="test",
    )
    with pytest.raises(BudgetAboveCash) as caught:
        _start(network, "1000.01")
    assert "1000.00 USD" in str(caught.value)
    assert "EUR" in str(caught.value)
    # and with today's rate the euros count, rounded down: 1,000 + 550
    do_record_exchange_rate(
        base_currency="EUR",
        quote_currency="USD",
        rate=Decimal("1.10"),
        as_of=timezone.localdate(),
        source="test",
    )
    assert _start(network, "1550.00").cash_budget == Decimal("1550.00")


def test_the_page_refuses_the_budget_keeps_the_input_and_shows_what_it_holds() -> None:
    network = _network()
    fund_cash(network, amount="3000.00")
    client = sign_in_with_keys(Client(), network.coordinator)
    page = client.get(_url(network)).content.decode()
    assert "3000.00" in page
    response = client.post(
        _url(network), {"cash_budget": "50000", "currency": "USD", "time_limit_seconds": "5"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "more than your organisation holds" in body
    assert 'value="50000"' in body
    assert not AllocationRun.objects.exists()


@pytest.mark.parametrize("budget", ["-1", "abc", ""])
def test_bad_budgets_are_refused_with_nothing_written(budget: str) -> None:
    network = _network()
    client = sign_in_with_keys(Client(), network.coordinator)
    response = client.post(
        _url(network), {"cash_budget": budget, "currency": "USD", "time_limit_seconds": "5"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not AllocationRun.objects.exists()


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.FUNDRAISER, Role.VIEWER])
def test_other_roles_cannot_start_a_run_even_within_the_budget(role: str) -> None:
    network = _network()
    fund_cash(network, amount="3000.00")
    staff = make_staff(role, network.organisation)
    with committed():
        response = sign_in(Client(), staff).post(
            _url(network), {"cash_budget": "10", "currency": "USD", "time_limit_seconds": "5"}
        )
    assert response.status_code == 403
    assert not AllocationRun.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_the_runs_page_shows_what_the_fund_and_each_campaign_hold() -> None:
    # given 3,000 USD in the fund and 200 EUR in a campaign
    from safepassage.core.ledger import MoneyOwner, OwnerKind
    from safepassage.core.money import Money
    from safepassage.ledger.actions import do_record_gift
    from tests.donations.gift_factories import make_campaign

    network = _network()
    fund_cash(network, amount="3000.00")
    campaign = make_campaign(organisation=network.organisation, title="Spring appeal")
    do_record_gift(
        owner=MoneyOwner(kind=OwnerKind.CAMPAIGN, owner_id=str(campaign.public_id)),
        amount=Money(amount=Decimal("200.00"), currency="EUR"),
        idempotency_key="g-spring",
        reference="gift",
        actor_ref="system",
    )
    client = sign_in_with_keys(Client(), network.coordinator)
    page = client.get(_url(network)).content.decode()
    holders = page[page.index('id="cash-holders"') :]
    holders = holders[: holders.index("</table>")]
    assert "General fund" in holders
    assert "3,000.00 USD" in holders
    assert "Spring appeal" in holders
    assert "200.00 EUR" in holders
    # the EUR is named as not counted in a USD run (no rate)
    positions = page[page.index('id="cash-positions"') :]
    assert "EUR" in positions[: positions.index("</table>")]

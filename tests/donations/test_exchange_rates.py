"""Exchange rates are recorded by command, exactly, and used for reporting only."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from safepassage.audit.models import AuditEvent
from safepassage.donations.models import ExchangeRate

pytestmark = pytest.mark.django_db

ARGS = ["--from", "usd", "--to", "EUR", "--as-of", "2026-11-25", "--source", "ECB reference"]


def test_a_rate_is_recorded_exactly_and_corrected_on_the_same_day() -> None:
    call_command("record_exchange_rate", *ARGS, "--rate", "0.9213")
    call_command("record_exchange_rate", *ARGS, "--rate", "0.92135")

    rate = ExchangeRate.objects.get()
    assert (rate.base_currency, rate.quote_currency) == ("USD", "EUR")
    assert rate.rate == Decimal("0.92135")
    assert rate.as_of == datetime.date(2026, 11, 25)
    assert AuditEvent.objects.filter(action="exchange_rate.recorded").count() == 2


@pytest.mark.parametrize("rate", ["0", "-1", "abc", "NaN", "1e20", "0.00000000001"])
def test_a_bad_rate_is_refused_and_nothing_is_written(rate: str) -> None:
    with pytest.raises(CommandError):
        call_command("record_exchange_rate", *ARGS, "--rate", rate)

    assert ExchangeRate.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(("base", "quote"), [("EUR", "EUR"), ("XXX", "EUR"), ("USD", "euro")])
def test_unsupported_or_identical_currencies_are_refused(base: str, quote: str) -> None:
    with pytest.raises(CommandError):
        call_command(
            "record_exchange_rate",
            "--from",
            base,
            "--to",
            quote,
            "--rate",
            "1.1",
            "--as-of",
            "2026-11-25",
            "--source",
            "x",
        )

    assert ExchangeRate.objects.count() == 0

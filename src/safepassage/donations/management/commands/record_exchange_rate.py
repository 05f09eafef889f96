"""``safepassage record_exchange_rate``: record a day's rate for reports and bookings."""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.donations.gifts import actions
from safepassage.donations.gifts.errors import GiftError


class Command(BaseCommand):
    help = (
        "Record 1 FROM = RATE TO on a day (for reports, and for booking taxes and cash "
        "prices in a run's currency; gifts are never converted). "
        "Recording the same pair and day again corrects it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="base_currency", required=True)
        parser.add_argument("--to", dest="quote_currency", required=True)
        parser.add_argument("--rate", required=True, help="e.g. 0.9213 (a decimal, never a float)")
        parser.add_argument("--as-of", dest="as_of", required=True, help="YYYY-MM-DD")
        parser.add_argument("--source", required=True, help="where the rate comes from")

    def handle(self, *args: Any, **options: Any) -> None:
        base = str(options["base_currency"]).strip().upper()
        quote = str(options["quote_currency"]).strip().upper()
        try:
            rate = Decimal(str(options["rate"]).strip())
            as_of = datetime.date.fromisoformat(str(options["as_of"]))
        except (InvalidOperation, ValueError) as error:
            raise CommandError("--rate must be a decimal and --as-of a date") from error
        source = str(options["source"]).strip()
        if not source:
            raise CommandError("--source must name where the rate comes from")
        try:
            actions.check_record_exchange_rate(base_currency=base, quote_currency=quote, rate=rate)
        except GiftError as error:
            raise CommandError(str(error.message)) from error
        actions.do_record_exchange_rate(
            base_currency=base, quote_currency=quote, rate=rate, as_of=as_of, source=source
        )
        self.stdout.write(f"1 {base} = {rate} {quote} on {as_of.isoformat()} ({source})")

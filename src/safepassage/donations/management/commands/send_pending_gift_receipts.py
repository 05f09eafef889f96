"""``safepassage send_pending_gift_receipts``: queue again every receipt not yet sent.

For after an outage (mail server down, a task lost): the receipt task is idempotent and
locks the gift, so queueing a receipt twice still sends it once.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from safepassage.donations.gifts.selectors import list_gifts_awaiting_receipt
from safepassage.donations.gifts.tasks import send_gift_receipt


class Command(BaseCommand):
    help = "Queue the e-mail receipt of every gift whose receipt has not been sent yet."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for gift_id in list_gifts_awaiting_receipt():
            send_gift_receipt.enqueue(gift_id=str(gift_id), language=settings.LANGUAGE_CODE)
            count += 1
        self.stdout.write(f"{count} receipt(s) queued")

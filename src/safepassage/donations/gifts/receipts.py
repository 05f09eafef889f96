"""Gift receipts: the facts printed on one, as HTML, as a PDF (WeasyPrint) and by e-mail.

It is printed by ``donations.pdf``, whose fetcher refuses every URL, so a receipt
never reaches the network or the file system, whatever a donor typed as their name.
"""

from dataclasses import dataclass
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.translation import get_language

from safepassage.donations.donor_sealing import open_donor_value
from safepassage.donations.models import Gift
from safepassage.donations.pdf import print_pdf
from safepassage.site.numbers import amount_text

RECEIPT_STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "donations" / "receipt.css"
DONOR_NAME_FIELD = "donor_name"


@dataclass(frozen=True, kw_only=True)
class Receipt:
    """What a receipt says. ``number`` is the gift's public id."""

    number: str
    received_on: str
    amount: str | Promise
    recipient: str
    campaign: str
    source: str | Promise
    donor_name: str


def build_receipt(*, gift: Gift) -> Receipt:
    """The receipt of ``gift`` (its campaign and organisation loaded or fetched)."""
    donor_name = (
        ""
        if gift.is_anonymous
        else open_donor_value(
            gift_id=str(gift.public_id), field=DONOR_NAME_FIELD, envelope=gift.donor_name_envelope
        )
    )
    return Receipt(
        number=str(gift.public_id),
        received_on=gift.received_on.isoformat(),
        amount=amount_text(gift.amount, gift.currency),
        recipient=gift.organisation.name,
        campaign=gift.campaign.title if gift.campaign is not None else "",
        source=gift.get_source_display(),
        donor_name=donor_name,
    )


def render_receipt_html(*, receipt: Receipt) -> str:
    return render_to_string(
        "donations/gifts/receipt_document.html",
        {"receipt": receipt, "language": get_language() or "en"},
    )


def render_receipt_pdf(*, receipt: Receipt) -> bytes:
    """The receipt as PDF bytes."""
    return print_pdf(html=render_receipt_html(receipt=receipt), stylesheet=RECEIPT_STYLESHEET)

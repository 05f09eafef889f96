"""Background work of gifts (run by the django-tasks-db worker)."""

from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from safepassage.audit.actions import SYSTEM_ACTOR, record_audit_event
from safepassage.donations.donor_sealing import open_donor_value
from safepassage.donations.gifts.receipts import build_receipt, render_receipt_pdf
from safepassage.donations.models import Gift

RECEIPT_EMAIL_FIELD = "receipt_email"


@task()
def send_gift_receipt(*, gift_id: str, language: str) -> None:
    """E-mail the receipt (PDF attached) once, then erase the donor's address.

    The task's arguments hold only the gift's public id: the address stays sealed in
    the gift row until this runs. The gift is locked while sending, so two workers
    never send the same receipt; a gift whose receipt was sent, or that has no
    address, is skipped. If sending fails the address is kept and the task can be
    retried.
    """
    with transaction.atomic():
        gift = (
            Gift.objects.select_for_update(of=("self",))
            .select_related("organisation", "campaign")
            .filter(public_id=gift_id)
            .first()
        )
        if gift is None or gift.receipt_sent_on is not None:
            return
        address = open_donor_value(
            gift_id=gift_id, field=RECEIPT_EMAIL_FIELD, envelope=gift.receipt_email_envelope
        )
        if not address:
            return
        # The language kept with the gift wins: a receipt queued again after an outage
        # (send_pending_gift_receipts) is still in the donor's language.
        with translation.override(gift.receipt_language or language):
            receipt = build_receipt(gift=gift)
            context = {"receipt": receipt}
            subject = render_to_string("donations/gifts/email/receipt_subject.txt", context).strip()
            body = render_to_string("donations/gifts/email/receipt_body.txt", context)
            pdf = render_receipt_pdf(receipt=receipt)
        message = EmailMessage(subject=subject, body=body, to=[address])
        message.attach(f"receipt-{receipt.number}.pdf", pdf, "application/pdf")
        message.send()
        gift.receipt_email_envelope = None
        gift.receipt_sent_on = timezone.localdate()
        gift.save(update_fields=["receipt_email_envelope", "receipt_sent_on"])
        record_audit_event(
            actor_ref=SYSTEM_ACTOR,
            action="gift.receipt_sent",
            object_type="gift",
            object_ref=gift_id,
            organisation_ref=str(gift.organisation.public_id),
        )

"""Every write of pledges. Views, tasks and (later) the travel app call these.

Lock order: the pledge row (``lock_objects``), then the ledger owner (inside the
ledger's actions), then the audit head (``record_audit_event``, always last).
Audit events and task arguments carry the pledge's public id only, never donor data.
"""

import contextlib
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.tasks import Task
from django.utils import timezone

from safepassage.audit.actions import ANONYMOUS_ACTOR, SYSTEM_ACTOR, record_audit_event
from safepassage.core.ledger import NothingToMoveError
from safepassage.core.money import Miles
from safepassage.donations.models import (
    BookingForOthers,
    Campaign,
    Pledge,
    PledgeStatus,
    Program,
    ProgramKind,
)
from safepassage.donations.pledges import sealing, tasks
from safepassage.donations.pledges.donor_ties import donor_still_owed
from safepassage.donations.pledges.errors import (
    BelowMinimum,
    BookingForOthersNotAllowed,
    ContactWindowInvalid,
    DelegationNotOffered,
    ExpiryTooSoon,
    MilesSetAside,
    NomineesRequired,
    PledgeNotOpen,
    ProgramNotAccepting,
    TooManyMiles,
    TooManyTravellers,
    TransferPartnerNotOffered,
    TransferPartnerOnlyForPoints,
    TransferPartnerRequired,
)
from safepassage.donations.pledges.lock_objects import lock_pledge
from safepassage.donations.pledges.selectors import (
    CONFIRM_DAYS,
    committed_miles,
    get_balance,
    get_delegation_rule,
    get_pledge_delegation_rule,
    get_pledge_ref,
    list_pledges_awaiting_confirmation,
    list_pledges_due_for_reminder,
    list_pledges_past_expiry,
    list_pledges_with_unsent_confirmation,
    list_unconfirmed_pledges_holding_donor,
)
from safepassage.donations.pledges.tokens import CONFIRM_MAX_AGE
from safepassage.ledger import actions as ledger

MAX_MILES = 50_000_000
REMINDER_DAYS = 30
MAX_CONFIRMATION_RESENDS = 3
"""How many times a donor may have the confirmation link sent again for one pledge: enough
for a link lost to a spam folder, few enough that someone who knows a donor's address
cannot flood it."""
MAX_PLEDGES_PER_RESEND = 10
DONOR_FIELDS = ("donor_name_envelope", "donor_email_envelope", "donor_email_digest")


@dataclass(frozen=True, kw_only=True)
class PledgeTerms:
    """What the donor asks to pledge; checked by :func:`check_pledge_terms`."""

    program: Program
    miles: int
    expires_on: date
    contact_before: date | None = None
    max_travellers: int | None = None
    transfer_partner: Program | None = None
    delegated_booking_consent: bool = False
    """The donor agrees that the fund books with their delegated access (kept only where
    the program allows it)."""


def _booking_rule_program(terms: PledgeTerms) -> Program:
    """Whose booking rules count: the airline program bank points would go to."""
    if terms.program.kind == ProgramKind.BANK_POINTS and terms.transfer_partner is not None:
        return terms.transfer_partner
    return terms.program


def check_pledge_terms(*, terms: PledgeTerms, today: date) -> None:
    """Raise the first ``PledgeError`` the terms break (program, minimum, booking rules,
    transfer partner, dates)."""
    program = terms.program
    if not program.is_active:
        raise ProgramNotAccepting
    if program.kind == ProgramKind.BANK_POINTS:
        if terms.transfer_partner is None:
            raise TransferPartnerRequired
        if not program.transfer_partners.filter(airline_program=terms.transfer_partner).exists():
            raise TransferPartnerNotOffered
    elif terms.transfer_partner is not None:
        raise TransferPartnerOnlyForPoints
    if program.minimum_pledge and terms.miles < program.minimum_pledge:
        raise BelowMinimum(minimum=program.minimum_pledge)
    if terms.miles > MAX_MILES:
        raise TooManyMiles
    rules = _booking_rule_program(terms)
    if rules.booking_for_others in {BookingForOthers.NOT_ALLOWED, BookingForOthers.FAMILY_ONLY}:
        raise BookingForOthersNotAllowed
    if rules.booking_for_others == BookingForOthers.NAMED_NOMINEES:
        if not terms.max_travellers:
            raise NomineesRequired(limit=rules.nominee_limit)
        if rules.nominee_limit and terms.max_travellers > rules.nominee_limit:
            raise TooManyTravellers(limit=rules.nominee_limit)
    if terms.expires_on <= today:
        raise ExpiryTooSoon
    if terms.contact_before is not None and not (today <= terms.contact_before <= terms.expires_on):
        raise ContactWindowInvalid


def _enqueue(task_function: Task[..., None], /, **kwargs: str | int | list[str]) -> None:
    """Enqueue ``task_function`` once the current transaction commits (never on rollback)."""
    transaction.on_commit(partial(task_function.enqueue, **kwargs))


def do_submit_pledge(
    *,
    submission_token: str,
    terms: PledgeTerms,
    donor_name: str,
    email: str,
    is_anonymous: bool,
    campaign: Campaign | None,
    language: str,
) -> tuple[Pledge, bool]:
    """Store an unconfirmed pledge and e-mail the confirmation link, once per form token.

    A second submission with the same token (double click, retry after a timeout)
    returns the first pledge with ``False`` and sends nothing. Terms must have been
    checked with :func:`check_pledge_terms`.
    """
    existing = Pledge.objects.filter(submission_token=submission_token).first()
    if existing is not None:
        return existing, False
    pledge_id = uuid.uuid4()
    # A campaign's pledge page does not say which of its events the donor came from;
    # record the event only when the campaign has exactly one.
    events = list(campaign.events.all()[:2]) if campaign is not None else []
    event = events[0] if len(events) == 1 else None
    try:
        with transaction.atomic():
            pledge = Pledge.objects.create(
                public_id=pledge_id,
                program=terms.program,
                transfer_partner=terms.transfer_partner,
                campaign=campaign,
                event=event,
                miles=terms.miles,
                expires_on=terms.expires_on,
                contact_before=terms.contact_before,
                max_travellers=terms.max_travellers,
                delegated_booking_consent=terms.delegated_booking_consent
                and get_delegation_rule(
                    program=terms.program, transfer_partner=terms.transfer_partner
                ).allows_delegation,
                is_anonymous=is_anonymous,
                donor_name_envelope=(
                    sealing.seal_pledge_value(
                        pledge_id=str(pledge_id), field=sealing.NAME, text=donor_name
                    )
                    if donor_name
                    else None
                ),
                donor_email_envelope=sealing.seal_pledge_value(
                    pledge_id=str(pledge_id), field=sealing.EMAIL, text=email
                ),
                donor_email_digest=sealing.email_digest(email),
                submission_token=submission_token,
                language=language,
                created_on=timezone.localdate(),
                confirmation_sent_on=timezone.localdate(),
            )
            record_audit_event(
                actor_ref=ANONYMOUS_ACTOR,
                action="pledge.submitted",
                object_type="pledge",
                object_ref=str(pledge_id),
            )
            _enqueue(tasks.send_pledge_confirmation, pledge_id=str(pledge_id), language=language)
    except IntegrityError:
        # The same token won a race in another request: that pledge is this one.
        existing = Pledge.objects.filter(submission_token=submission_token).first()
        if existing is None:
            raise
        return existing, False
    return pledge, True


def do_confirm_pledge(*, pledge_id: uuid.UUID, language: str) -> Pledge:
    """Confirm the e-mail address and post the pledged miles to the ledger (once)."""
    with transaction.atomic():
        pledge = lock_pledge(pledge_id=pledge_id)
        if pledge.status != PledgeStatus.UNCONFIRMED:
            return pledge
        ledger.do_pledge_miles(
            pledge=get_pledge_ref(pledge=pledge),
            amount=Miles(amount=pledge.miles, program=pledge.program.code),
            idempotency_key=f"pledge-confirm:{pledge.public_id}",
            reference=f"pledge:{pledge.public_id}",
            actor_ref=ANONYMOUS_ACTOR,
        )
        pledge.status = PledgeStatus.CONFIRMED
        pledge.confirmed_on = timezone.localdate()
        pledge.donor_email_digest = ""  # only needed to send a lost link again
        pledge.save(update_fields=["status", "confirmed_on", "donor_email_digest"])
        record_audit_event(
            actor_ref=ANONYMOUS_ACTOR,
            action="pledge.confirmed",
            object_type="pledge",
            object_ref=str(pledge.public_id),
        )
        _enqueue(tasks.send_pledge_manage_link, pledge_id=str(pledge.public_id), language=language)
    return pledge


def do_request_confirmation_resend(*, email: str, language: str, today: date) -> None:
    """A donor asks for their confirmation link again: queue one task that sends a new link
    for each unconfirmed pledge of the last 7 days made with ``email`` (SR-15: the request
    does the same work whether or not one exists: one lookup by the address's digest and
    one queued task, with an empty list when nothing matched; the answer page is the same).

    The task gets public ids only, never the address (SR-05)."""
    pledge_ids = list(
        list_pledges_awaiting_confirmation(
            email_digest=sealing.email_digest(email), today=today
        ).values_list("public_id", flat=True)[:MAX_PLEDGES_PER_RESEND]
    )
    with transaction.atomic():
        _enqueue(
            tasks.resend_pledge_confirmations,
            pledge_ids=[str(pledge_id) for pledge_id in pledge_ids],
            language=language,
        )


def do_resend_pledge_confirmation(*, pledge_id: uuid.UUID, language: str, today: date) -> bool:
    """Send the confirmation link of a pledge still waiting for it again (a new link, valid
    7 days from now; the first one stays valid, decision 0043), at most
    ``MAX_CONFIRMATION_RESENDS`` times. The donor's address is kept until the new link
    expires. Returns whether a link was queued."""
    with transaction.atomic():
        pledge = lock_pledge(pledge_id=pledge_id)
        if (
            pledge.status != PledgeStatus.UNCONFIRMED
            or pledge.donor_email_envelope is None
            or pledge.created_on < today - timedelta(days=CONFIRM_DAYS)
            or pledge.expires_on <= today
            or pledge.confirmation_resends >= MAX_CONFIRMATION_RESENDS
        ):
            return False
        pledge.confirmation_resends += 1
        pledge.confirmation_sent_on = today
        pledge.save(update_fields=["confirmation_resends", "confirmation_sent_on"])
        record_audit_event(
            actor_ref=ANONYMOUS_ACTOR,
            action="pledge.confirmation_resent",
            object_type="pledge",
            object_ref=str(pledge.public_id),
        )
        _enqueue(tasks.send_pledge_confirmation, pledge_id=str(pledge.public_id), language=language)
    return True


def do_mark_confirmation_unsent(*, pledge_id: uuid.UUID) -> None:
    """The confirmation link could not be sent (the mail server failed): clear the mark so
    that :func:`do_send_unsent_confirmations` queues it again."""
    with transaction.atomic():
        pledge = lock_pledge(pledge_id=pledge_id)
        if pledge.status == PledgeStatus.UNCONFIRMED and pledge.confirmation_sent_on is not None:
            pledge.confirmation_sent_on = None
            pledge.save(update_fields=["confirmation_sent_on"])


def do_mark_confirmation_undeliverable(*, pledge_id: uuid.UUID) -> None:
    """The donor's mail server refused the confirmation link for good (decision 0049): keep
    the day it was sent, so :func:`do_send_unsent_confirmations` does not queue it again,
    and record the refusal (by reference only). The donor can still ask for the link again
    (:func:`do_resend_pledge_confirmation`), and is forgotten as any unconfirmed donor."""
    with transaction.atomic():
        pledge = lock_pledge(pledge_id=pledge_id)
        if pledge.status != PledgeStatus.UNCONFIRMED:
            return
        if pledge.confirmation_sent_on is None:  # an outage's mark from an earlier try
            pledge.confirmation_sent_on = timezone.localdate()
            pledge.save(update_fields=["confirmation_sent_on"])
        record_audit_event(
            actor_ref=SYSTEM_ACTOR,
            action="pledge.confirmation_undeliverable",
            object_type="pledge",
            object_ref=str(pledge.public_id),
        )


def do_send_unsent_confirmations(*, today: date) -> int:
    """Queue again every confirmation link a mail outage kept from its donor (pledges of the
    last 7 days still waiting). Safe to run any number of times. Returns how many."""
    queued = 0
    for candidate in list_pledges_with_unsent_confirmation(today=today):
        with transaction.atomic():
            pledge = lock_pledge(pledge_id=candidate.public_id)
            if (
                pledge.status != PledgeStatus.UNCONFIRMED
                or pledge.confirmation_sent_on is not None
                or pledge.donor_email_envelope is None
            ):
                continue
            pledge.confirmation_sent_on = today
            pledge.save(update_fields=["confirmation_sent_on"])
            _enqueue(
                tasks.send_pledge_confirmation,
                pledge_id=str(pledge.public_id),
                language=pledge.language,
            )
            queued += 1
    return queued


def check_change_pledge(*, pledge: Pledge, miles: int, expires_on: date, today: date) -> None:
    """Refuse a change the program rules or the ledger do not allow."""
    if pledge.status != PledgeStatus.CONFIRMED:
        raise PledgeNotOpen
    check_pledge_terms(
        terms=PledgeTerms(
            program=pledge.program,
            miles=miles,
            expires_on=expires_on,
            contact_before=None,  # not changed here; clipped to the new expiry on save
            max_travellers=pledge.max_travellers,
            transfer_partner=pledge.transfer_partner,
        ),
        today=today,
    )
    balance = get_balance(pledge=pledge)
    set_aside = balance.reserved.amount + balance.redeemed.amount
    if miles < set_aside:
        raise MilesSetAside(committed=set_aside)


def do_change_pledge(
    *, pledge_id: uuid.UUID, miles: int, expires_on: date, change_token: str
) -> Pledge:
    """Set the pledge's total to ``miles`` (a top-up, or a withdrawal of available miles)
    and its expiry date.

    The total is absolute and the ledger moves only the difference from what the pledge
    holds under its lock, so a form sent twice moves nothing the second time. The same form
    sent again with another number (the back button) is a new change: each posting gets its
    own key, so it is never mistaken for the earlier one (``change_token`` only names the
    form it came from)."""
    with transaction.atomic():
        pledge = lock_pledge(pledge_id=pledge_id)
        check_change_pledge(
            pledge=pledge, miles=miles, expires_on=expires_on, today=timezone.localdate()
        )
        ref = get_pledge_ref(pledge=pledge)
        committed = committed_miles(balance=get_balance(pledge=pledge))
        key = f"pledge-change:{pledge.public_id}:{change_token}:{uuid.uuid4().hex}"
        if miles > committed:
            ledger.do_pledge_miles(
                pledge=ref,
                amount=Miles(amount=miles - committed, program=ref.program),
                idempotency_key=key,
                reference=f"pledge:{pledge.public_id}",
                actor_ref=ANONYMOUS_ACTOR,
            )
        elif miles < committed:
            ledger.do_withdraw_miles(
                pledge=ref,
                amount=Miles(amount=committed - miles, program=ref.program),
                idempotency_key=key,
                reference=f"pledge:{pledge.public_id}",
                actor_ref=ANONYMOUS_ACTOR,
            )
        pledge.miles = miles
        pledge.expires_on = expires_on
        if pledge.contact_before and pledge.contact_before > expires_on:
            pledge.contact_before = expires_on
        pledge.save(update_fields=["miles", "expires_on", "contact_before"])
        record_audit_event(
            actor_ref=ANONYMOUS_ACTOR,
            action="pledge.changed",
            object_type="pledge",
            object_ref=str(pledge.public_id),
        )
    return pledge


def check_set_delegated_booking_consent(*, pledge: Pledge, consent: bool) -> None:
    """The donor may agree (or stop agreeing) while the pledge is open; agreeing only where
    the program allows the fund to book with the donor's access."""
    if pledge.status not in {PledgeStatus.UNCONFIRMED, PledgeStatus.CONFIRMED}:
        raise PledgeNotOpen
    if consent and not get_pledge_delegation_rule(pledge=pledge).allows_delegation:
        raise DelegationNotOffered


def do_set_delegated_booking_consent(*, pledge_id: uuid.UUID, consent: bool) -> Pledge:
    """Record whether the donor lets the fund book with their delegated access. Only the
    answer is stored: the donor shares access outside SafePassage, never a password here
    (SR-32). Booking requests made after this follow the new answer; one the coordinator
    already took over shows the answer on the trip page."""
    with transaction.atomic():
        pledge = lock_pledge(pledge_id=pledge_id)
        check_set_delegated_booking_consent(pledge=pledge, consent=consent)
        if pledge.delegated_booking_consent == consent:
            return pledge
        pledge.delegated_booking_consent = consent
        pledge.save(update_fields=["delegated_booking_consent"])
        record_audit_event(
            actor_ref=ANONYMOUS_ACTOR,
            action="pledge.delegation_agreed" if consent else "pledge.delegation_withdrawn",
            object_type="pledge",
            object_ref=str(pledge.public_id),
        )
    return pledge


def _forget_donor_if_done(pledge: Pledge) -> None:
    """Erase the donor's sealed name and address once nothing can involve them again:
    no miles reserved for a traveller and no message still owed to them, such as the impact
    note of a booked ticket that has not arrived (``donor_ties``; SR-32, data
    minimisation). The app that owes the message forgets them once it is sent."""
    if get_balance(pledge=pledge).reserved.amount == 0 and not donor_still_owed(pledge=pledge):
        pledge.donor_name_envelope = None
        pledge.donor_email_envelope = None
        pledge.donor_email_digest = ""


def forget_donor_when_done(*, pledge: Pledge, more_to_tell: bool) -> bool:
    """Erase the sealed name and address of a withdrawn or expired pledge's donor once
    nothing can involve them again: no miles reserved for a traveller and nothing more to
    tell them (``more_to_tell``: a ticket they paid for has not flown yet, so its impact
    note is owed). The caller holds the pledge's row lock, and has already taken the
    address for any message it is sending now. Returns whether the donor was forgotten."""
    if (
        more_to_tell
        or pledge.status not in {PledgeStatus.WITHDRAWN, PledgeStatus.EXPIRED}
        or (pledge.donor_name_envelope is None and pledge.donor_email_envelope is None)
        or get_balance(pledge=pledge).reserved.amount != 0
    ):
        return False
    _erase_donor(pledge)
    return True


def _erase_donor(pledge: Pledge) -> None:
    """Erase the donor's sealed name and address, audited (the pledge's row is locked)."""
    pledge.donor_name_envelope = None
    pledge.donor_email_envelope = None
    pledge.donor_email_digest = ""
    pledge.save(update_fields=DONOR_FIELDS)
    record_audit_event(
        actor_ref=SYSTEM_ACTOR,
        action="pledge.donor_forgotten",
        object_type="pledge",
        object_ref=str(pledge.public_id),
    )


def do_forget_donor_when_done(*, pledge_id: uuid.UUID, more_to_tell: bool) -> bool:
    """:func:`forget_donor_when_done` in a transaction of its own (after a message to the
    donor has gone out)."""
    with transaction.atomic():
        return forget_donor_when_done(
            pledge=lock_pledge(pledge_id=pledge_id), more_to_tell=more_to_tell
        )


def do_withdraw_pledge(*, pledge_id: uuid.UUID) -> Pledge:
    """Withdraw the pledge: its available miles go to ``withdrawn`` in the ledger.

    Miles already reserved for a traveller stay reserved until the travel team releases
    them. Withdrawing twice changes nothing. With nothing reserved, the donor's sealed
    name and address are erased.
    """
    with transaction.atomic():
        pledge = lock_pledge(pledge_id=pledge_id)
        if pledge.status in {PledgeStatus.WITHDRAWN, PledgeStatus.EXPIRED}:
            return pledge
        if pledge.status == PledgeStatus.CONFIRMED:
            with contextlib.suppress(NothingToMoveError):
                ledger.do_withdraw_miles(
                    pledge=get_pledge_ref(pledge=pledge),
                    idempotency_key=f"pledge-withdraw:{pledge.public_id}",
                    reference=f"pledge:{pledge.public_id}",
                    actor_ref=ANONYMOUS_ACTOR,
                )
        pledge.status = PledgeStatus.WITHDRAWN
        _forget_donor_if_done(pledge)
        pledge.save(update_fields=["status", *DONOR_FIELDS])
        record_audit_event(
            actor_ref=ANONYMOUS_ACTOR,
            action="pledge.withdrawn",
            object_type="pledge",
            object_ref=str(pledge.public_id),
        )
    return pledge


def do_send_expiry_reminders(*, today: date, days_ahead: int = REMINDER_DAYS) -> int:
    """Queue one reminder per pledge and expiry date for pledges expiring soon that still
    have available miles. Safe to run any number of times a day. Returns how many."""
    sent = 0
    for candidate in list_pledges_due_for_reminder(today=today, days_ahead=days_ahead):
        with transaction.atomic():
            pledge = lock_pledge(pledge_id=candidate.public_id)
            if (
                pledge.status != PledgeStatus.CONFIRMED
                or pledge.reminded_for_expiry_on == pledge.expires_on
                or get_balance(pledge=pledge).available.amount <= 0
            ):
                continue
            pledge.reminded_for_expiry_on = pledge.expires_on
            pledge.save(update_fields=["reminded_for_expiry_on"])
            _enqueue(tasks.send_expiry_reminder, pledge_id=str(pledge.public_id))
            sent += 1
    return sent


def do_mark_reminder_unsent(*, pledge_id: uuid.UUID, expires_on: date) -> None:
    """The reminder for ``expires_on`` could not be sent (the mail server failed): clear the
    mark so that the next :func:`do_send_expiry_reminders` queues it again. A pledge whose
    date changed since keeps its new mark."""
    with transaction.atomic():
        pledge = lock_pledge(pledge_id=pledge_id)
        if pledge.reminded_for_expiry_on == expires_on:
            pledge.reminded_for_expiry_on = None
            pledge.save(update_fields=["reminded_for_expiry_on"])


def do_record_reminder_undeliverable(*, pledge_id: uuid.UUID) -> None:
    """The donor's mail server refused the expiry reminder for good (decision 0049): it
    stays marked sent, so the daily upkeep does not queue it again; the refusal is recorded
    by reference only."""
    with transaction.atomic():
        pledge = lock_pledge(pledge_id=pledge_id)
        record_audit_event(
            actor_ref=SYSTEM_ACTOR,
            action="pledge.reminder_undeliverable",
            object_type="pledge",
            object_ref=str(pledge.public_id),
        )


def do_forget_unconfirmed_donors(*, today: date) -> int:
    """Erase the sealed name and address of pledges never confirmed once their confirmation
    link has expired: nobody can confirm them any more, so nothing needs them (SR-32). The
    pledge stays unconfirmed (it never counted anywhere). Idempotent; returns how many."""
    # made before this day: even a link sent at the end of its day has expired by now
    created_before = today - timedelta(days=CONFIRM_MAX_AGE // (24 * 3600))
    forgotten = 0
    for candidate in list_unconfirmed_pledges_holding_donor(created_before=created_before):
        with transaction.atomic():
            pledge = lock_pledge(pledge_id=candidate.public_id)
            if pledge.status != PledgeStatus.UNCONFIRMED:
                continue
            _erase_donor(pledge)
            forgotten += 1
    return forgotten


def do_post_expiries(*, today: date) -> int:
    """Post the expiry of available miles of every pledge past its date (idempotent).

    A pledge with no reserved miles left becomes ``expired``; one with reserved miles
    stays confirmed until they are redeemed or released (then a later run expires the
    released miles). Returns how many expiries were posted.
    """
    posted = 0
    for candidate in list_pledges_past_expiry(today=today):
        with transaction.atomic():
            pledge = lock_pledge(pledge_id=candidate.public_id)
            if pledge.status != PledgeStatus.CONFIRMED or pledge.expires_on >= today:
                continue
            balance = get_balance(pledge=pledge)
            if balance.available.amount > 0:
                result = ledger.do_expire_miles(
                    pledge=get_pledge_ref(pledge=pledge),
                    idempotency_key=(
                        f"pledge-expire:{pledge.public_id}:{pledge.expires_on.isoformat()}:"
                        f"{balance.expired.amount}"
                    ),
                    reference=f"pledge:{pledge.public_id}",
                    actor_ref=SYSTEM_ACTOR,
                )
                posted += int(result.created)
                if balance.reserved.amount > 0:
                    # Still open for its reserved ticket: its total is now what the ledger
                    # holds, so the campaign, the reports and the donor's change form no
                    # longer count (or re-pledge) the miles that expired.
                    pledge.miles = committed_miles(balance=get_balance(pledge=pledge))
                    pledge.save(update_fields=["miles"])
            if balance.reserved.amount == 0:
                pledge.status = PledgeStatus.EXPIRED
                _forget_donor_if_done(pledge)
                pledge.save(update_fields=["status", *DONOR_FIELDS])
                record_audit_event(
                    actor_ref=SYSTEM_ACTOR,
                    action="pledge.expired",
                    object_type="pledge",
                    object_ref=str(pledge.public_id),
                )
    return posted


def do_record_redemption(
    *,
    pledge_id: uuid.UUID,
    miles: int,
    travellers: int,
    booking_ref: str,
    actor_ref: str,
    organisation_ref: str = "",
) -> bool:
    """Post that ``miles`` reserved on the pledge paid for a booking, and queue the
    donor's impact note ("your 35,000 miles flew one person to safety").

    ``booking_ref`` is the booking's public id (never a PNR or a name); the note names
    no traveller, place or date. Idempotent per booking and pledge: returns False (and
    sends nothing) when this redemption was already recorded. The miles must have been
    reserved first (``InsufficientBalanceError`` otherwise).
    """
    with transaction.atomic():
        pledge = lock_pledge(pledge_id=pledge_id)
        ref = get_pledge_ref(pledge=pledge)
        result = ledger.do_redeem_miles(
            pledge=ref,
            amount=Miles(amount=miles, program=ref.program),
            idempotency_key=f"pledge-redeem:{booking_ref}:{pledge.public_id}",
            reference=f"booking:{booking_ref}",
            actor_ref=actor_ref,
            organisation_ref=organisation_ref,
        )
        if not result.created:
            return False
        record_audit_event(
            actor_ref=actor_ref,
            action="pledge.redeemed",
            object_type="pledge",
            object_ref=str(pledge.public_id),
            organisation_ref=organisation_ref,
        )
        today = timezone.localdate()
        if pledge.contact_before is None or pledge.contact_before >= today:
            _enqueue(
                tasks.send_impact_note,
                pledge_id=str(pledge.public_id),
                miles=miles,
                travellers=travellers,
            )
    return True

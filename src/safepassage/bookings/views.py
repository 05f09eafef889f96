"""Pages of allocation and booking.

Staff: allocation runs (start, progress that refreshes itself without JavaScript, review,
accept all or part), trips (passengers, booking requests, bookings, cancellations,
departed/arrived). Donors: one page reached by the signed link in their e-mail, which
shows passengers only after a one-time code sent to the pledge's address.
"""

import uuid
from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from safepassage.accounts.key_session import load_private_key
from safepassage.accounts.models import User
from safepassage.accounts.selectors import current_user
from safepassage.bookings import actions, refund_actions, refund_selectors, selectors
from safepassage.bookings.access import (
    access_booking_request,
    access_donor_booking,
    access_run,
    access_trip,
)
from safepassage.bookings.errors import (
    BookingNotOpen,
    BookingsError,
    CodeRequired,
    KeysLocked,
    LinkExhausted,
    TripNotReady,
)
from safepassage.bookings.forms import (
    CURRENCY_CODES,
    AcceptForm,
    BookingModeForm,
    CodeForm,
    ProgressForm,
    RecordBookingForm,
    RefundForm,
    StartRunForm,
    TripDetailsForm,
)
from safepassage.bookings.models import (
    AllocationRun,
    BookingRequest,
    BookingStatus,
    NoRefundReason,
    RefundOutcome,
    RunStatus,
)
from safepassage.bookings.selectors import read_donor_passengers, read_trip
from safepassage.bookings.tokens import DonorLink
from safepassage.core.crypto import KeyPair
from safepassage.core.money import Money
from safepassage.organisations.access import access_organisation
from safepassage.site.access_policy import public, requires_permission
from safepassage.site.pagination import paginate

RUN = "bookings.run_allocation"
TRIP = "bookings.manage_trip"


def _keys(request: HttpRequest, user: User) -> KeyPair:
    key_pair = load_private_key(request=request, user=user)
    if key_pair is None:
        raise KeysLocked
    return key_pair


@requires_permission(RUN)
@require_http_methods(["GET", "HEAD", "POST"])
def runs_view(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    """Start an allocation over the network; the organisation's recent runs."""
    user = current_user(request)
    organisation = access_organisation(user=user, organisation_id=organisation_id, permission=RUN)
    positions = selectors.get_cash_positions(
        organisation=organisation, currencies=CURRENCY_CODES, on=timezone.localdate()
    )
    form = StartRunForm(request.POST or None, initial={"cash_budget": positions[0].total.amount})
    if request.method == "POST" and form.is_valid():
        try:
            run = actions.do_start_run(actor=user, organisation=organisation, **form.cleaned_data)
        except BookingsError as error:
            form.add_error(None, str(error))
        else:
            return redirect("bookings:run", run_id=run.public_id)
    runs = paginate(request, selectors.list_runs(organisation=organisation), per_page=20)
    now = timezone.now()
    context = {
        "organisation": organisation,
        "form": form,
        "runs": runs,
        "stale": selectors.stale_run_ids(runs=runs, now=now),
        "waiting": selectors.waiting_run_ids(runs=runs, now=now),
        "positions": positions,
        "holders": selectors.list_cash_by_owner(organisation=organisation),
        "rate_max_age_days": selectors.RATE_MAX_AGE_DAYS,
        "unknown_taxes_options": selectors.count_options_with_unknown_taxes(
            organisation=organisation
        ),
        "requests_past_window": selectors.count_requests_past_window(organisation=organisation),
        "refunds_awaited": list(refund_selectors.list_refunds_awaited(organisation=organisation)),
    }
    return render(request, "bookings/runs.html", context)


def _run_page(request: HttpRequest, run: AllocationRun, **extra: object) -> HttpResponse:
    review = selectors.get_run_review(run=run)
    choices = (
        [(r.request_id, r.case_code) for r in review.served if not r.accepted] if review else []
    )
    now = timezone.now()
    stale = selectors.run_is_stale(run=run, now=now)
    context = {
        "run": run,
        "stale": stale,
        "waiting": selectors.run_waits_for_worker(run=run, now=now),
        "review": review,
        "form": extra.pop("form", None)
        or AcceptForm(choices=choices, initial={"requests": [c for c, _ in choices]}),
        "running": run.status in (RunStatus.QUEUED, RunStatus.RUNNING) and not stale,
        **extra,
    }
    return render(request, "bookings/run.html", context)


@requires_permission(RUN)
@require_safe
def run_view(request: HttpRequest, run_id: uuid.UUID) -> HttpResponse:
    """The run's progress (refreshing itself while it runs) and then its plan."""
    run = access_run(user=current_user(request), run_id=run_id, permission=RUN)
    return _run_page(request, run)


@requires_permission(RUN)
@require_http_methods(["POST"])
def run_cancel_view(request: HttpRequest, run_id: uuid.UUID) -> HttpResponse:
    """Cancel a run still waiting for the worker (none is taking it)."""
    user = current_user(request)
    run = access_run(user=user, run_id=run_id, permission=RUN)
    try:
        actions.check_cancel_run(run=run)
        actions.do_cancel_run(actor=user, run=run)
    except BookingsError as error:
        return _run_page(request, run, cancel_error=error)
    return redirect("bookings:run", run_id=run.public_id)


@requires_permission(RUN)
@require_http_methods(["POST"])
def run_accept_view(request: HttpRequest, run_id: uuid.UUID) -> HttpResponse:
    """Accept the plan for the chosen requests: miles reserved in one transaction."""
    user = current_user(request)
    run = access_run(user=user, run_id=run_id, permission=RUN)
    review = selectors.get_run_review(run=run)
    choices = [(r.request_id, r.case_code) for r in review.served] if review else []
    form = AcceptForm(request.POST, choices=choices)
    if not form.is_valid():
        return _run_page(request, run, form=form)
    try:
        result = actions.do_accept_plan(
            actor=user,
            key_pair=_keys(request, user),
            run=run,
            request_ids=form.cleaned_data["requests"],
        )
    except BookingsError as error:
        form.add_error(None, str(error))
        return _run_page(request, run, form=form)
    return _run_page(request, run, acceptance=result, codes=dict(choices))


@requires_permission(TRIP)
@require_safe
def trips_view(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    organisation = access_organisation(user=user, organisation_id=organisation_id, permission=TRIP)
    trips = paginate(request, selectors.list_trips(organisation=organisation, user=user))
    return render(request, "bookings/trips.html", {"organisation": organisation, "trips": trips})


@requires_permission(TRIP)
@require_http_methods(["GET"])
def trip_view(request: HttpRequest, trip_id: uuid.UUID) -> HttpResponse:
    """The trip: its booking requests and, for a reader holding the case's travel key, the
    passengers and the recorded bookings."""
    user = current_user(request)
    trip = access_trip(user=user, trip_id=trip_id, permission=TRIP)
    key_pair = load_private_key(request=request, user=user)
    contents = read_trip(trip=trip, user=user, key_pair=key_pair)
    actions.do_record_trip_view(actor=user, trip=trip, decrypted=contents.readable)
    return render(
        request,
        "bookings/trip.html",
        {
            "trip": trip,
            "contents": contents,
            "progress": ProgressForm(),
            "left_behind": selectors.count_tickets_left_behind(trip=trip),
        },
    )


@requires_permission(TRIP)
@require_http_methods(["GET", "HEAD", "POST"])
def trip_send_view(request: HttpRequest, trip_id: uuid.UUID) -> HttpResponse:
    """Enter the passengers (sealed under the case's travel key) and send the requests."""
    user = current_user(request)
    trip = access_trip(user=user, trip_id=trip_id, permission=TRIP)
    form = TripDetailsForm(request.POST or None, travellers=trip.travellers)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_send_booking_requests(
                actor=user, key_pair=_keys(request, user), trip=trip, details=_details(form)
            )
        except BookingsError as error:
            form.add_error(None, str(error))
        else:
            return redirect("bookings:trip", trip_id=trip.public_id)
    return render(request, "bookings/trip_send.html", {"trip": trip, "form": form})


def _details(form: TripDetailsForm) -> actions.TripDetails:
    data = form.cleaned_data
    return actions.TripDetails(
        itinerary=data["itinerary"],
        passengers=tuple(
            actions.Passenger(
                number=number,
                name_in_passport=data[f"name_{number}"],
                birth_date=data[f"birth_date_{number}"],
                document=data[f"document_{number}"],
            )
            for number in range(1, form.travellers + 1)
        ),
    )


def _record(form: RecordBookingForm) -> actions.BookingRecord:
    return actions.BookingRecord(**form.cleaned_data)


@requires_permission(TRIP)
@require_http_methods(["GET", "HEAD", "POST"])
def booking_record_view(request: HttpRequest, booking_id: uuid.UUID) -> HttpResponse:
    """The coordinator records a booking (delegated access, cash, or told by the donor)."""
    user = current_user(request)
    booking = access_booking_request(user=user, booking_id=booking_id, permission=TRIP)
    form = RecordBookingForm(request.POST or None, initial={"currency": booking.currency})
    if request.method == "POST" and form.is_valid():
        try:
            actions.check_record_booking(booking=booking, record=_record(form))
            actions.do_record_booking(
                booking=booking, record=_record(form), actor_ref=str(user.public_id)
            )
        except BookingsError as error:
            form.add_error(None, str(error))
        else:
            return redirect("bookings:trip", trip_id=booking.trip.public_id)
    context = {
        "booking": booking,
        "form": form,
        "mode_rule": selectors.get_booking_mode_rule(pledge=booking.pledge),
        "nominee_rule": selectors.get_nominee_rule(pledge=booking.pledge),
    }
    return render(request, "bookings/booking_record.html", context)


@requires_permission(TRIP)
@require_http_methods(["POST"])
def booking_cancel_view(request: HttpRequest, booking_id: uuid.UUID) -> HttpResponse:
    """Cancel a booking request or a recorded booking: the miles go back to the pledge."""
    user = current_user(request)
    booking = access_booking_request(user=user, booking_id=booking_id, permission=TRIP)
    try:
        actions.do_cancel_booking(booking=booking, actor=user)
    except BookingsError as error:
        return render(
            request, "bookings/error.html", {"error": error, "trip": booking.trip}, status=409
        )
    return redirect("bookings:trip", trip_id=booking.trip.public_id)


def _refund_entry(form: RefundForm) -> refund_actions.RefundEntry:
    data = form.cleaned_data
    if data["outcome"] == RefundOutcome.RECEIVED:
        return refund_actions.RefundEntry(
            outcome=RefundOutcome.RECEIVED,
            amount=Money(amount=data["amount"], currency=data["currency"]),
        )
    return refund_actions.RefundEntry(
        outcome=RefundOutcome.NONE, reason=NoRefundReason(data["reason"])
    )


@requires_permission(TRIP)
@require_http_methods(["GET", "HEAD", "POST"])
def booking_refund_view(request: HttpRequest, booking_id: uuid.UUID) -> HttpResponse:
    """A cancelled booking's cash: what was paid, what came back; record a refund."""
    user = current_user(request)
    booking = access_booking_request(user=user, booking_id=booking_id, permission=TRIP)
    state = refund_selectors.get_refund_state(booking=booking)
    initial = {"request_key": uuid.uuid4(), "currency": next(iter(state.currencies), None)}
    form = RefundForm(request.POST or None, currencies=state.currencies, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            entry = _refund_entry(form)
            refund_actions.check_record_refund(booking=booking, entry=entry)
            refund_actions.do_record_refund(
                actor=user,
                booking=booking,
                entry=entry,
                request_key=form.cleaned_data["request_key"],
            )
        except BookingsError as error:
            form.add_error(None, str(error))
        else:
            return redirect("bookings:booking_refund", booking_id=booking.public_id)
    lines = refund_selectors.list_payment_lines(holdings=state.payments)
    context = {"booking": booking, "state": state, "form": form, "lines": lines}
    return render(request, "bookings/refund.html", context)


@requires_permission(TRIP)
@require_http_methods(["POST"])
def booking_mode_view(request: HttpRequest, booking_id: uuid.UUID) -> HttpResponse:
    """Who books: the donor from their link, or the coordinator with delegated access."""
    user = current_user(request)
    booking = access_booking_request(user=user, booking_id=booking_id, permission=TRIP)
    form = BookingModeForm(request.POST)
    try:
        if not form.is_valid():
            raise BookingNotOpen
        actions.do_set_booking_mode(actor=user, booking=booking, mode=form.cleaned_data["mode"])
    except BookingsError as error:
        return render(
            request, "bookings/error.html", {"error": error, "trip": booking.trip}, status=409
        )
    return redirect("bookings:trip", trip_id=booking.trip.public_id)


@requires_permission(TRIP)
@require_http_methods(["POST"])
def trip_progress_view(request: HttpRequest, trip_id: uuid.UUID) -> HttpResponse:
    """Departed, then arrived: the case follows; on arrival donors get their impact note."""
    user = current_user(request)
    trip = access_trip(user=user, trip_id=trip_id, permission=TRIP)
    form = ProgressForm(request.POST)
    try:
        if not form.is_valid():
            raise TripNotReady
        actions.do_record_trip_progress(
            actor=user, key_pair=_keys(request, user), trip=trip, target=form.cleaned_data["target"]
        )
    except BookingsError as error:
        return render(request, "bookings/error.html", {"error": error, "trip": trip}, status=409)
    return redirect("bookings:trip", trip_id=trip.public_id)


# --- the donor's page ------------------------------------------------------------------


def _session_key(booking: BookingRequest) -> str:
    return f"bookings-donor:{booking.public_id}:{booking.link_version}"


def _verified(request: HttpRequest, booking: BookingRequest) -> bool:
    until = request.session.get(_session_key(booking))
    return isinstance(until, str) and datetime.fromisoformat(until) >= timezone.now()


def _donor_step(request: HttpRequest, booking: BookingRequest) -> dict[str, object]:
    """Run the POSTed step; returns what the page should show about it."""
    step = request.POST.get("step", "")
    try:
        if step == "send_code":
            actions.do_send_donor_code(booking=booking)
            return {"code_sent": True, "code_form": CodeForm()}
        if step == "verify":
            form = CodeForm(request.POST)
            if not form.is_valid():
                return {"code_sent": True, "code_form": form}
            actions.check_donor_code(booking=booking, code=form.cleaned_data["code"])
            request.session.cycle_key()
            request.session[_session_key(booking)] = (
                timezone.now() + actions.DONOR_SESSION_LIFETIME
            ).isoformat()
            return {}
        if step in ("decline", "record") and not _verified(request, booking):
            raise CodeRequired
        if step == "decline":
            actions.do_decline_booking(booking=booking, actor_ref="anonymous")
            return {}
        if step == "record":
            record_form = RecordBookingForm(request.POST)
            if not record_form.is_valid():
                return {"record_form": record_form}
            actions.check_record_booking(booking=booking, record=_record(record_form))
            actions.do_record_booking(
                booking=booking, record=_record(record_form), actor_ref="anonymous"
            )
            return {}
    except BookingsError as error:
        return {"error": error, "code_sent": step == "verify", "code_form": CodeForm()}
    return {}


@public
@require_http_methods(["GET", "HEAD", "POST"])
def donor_view(request: HttpRequest, token: str) -> HttpResponse:
    """The donor's booking request: what to book once a one-time code proves the address,
    then record the booking or decline."""
    booking, link = access_donor_booking(token=token)
    shown = _donor_step(request, booking) if request.method == "POST" else {}
    booking.refresh_from_db()
    return render(request, "bookings/donor.html", _donor_context(request, booking, link, shown))


def _donor_context(
    request: HttpRequest, booking: BookingRequest, link: DonorLink, shown: dict[str, object]
) -> dict[str, object]:
    verified = booking.status == BookingStatus.SENT and _verified(request, booking)
    passengers = read_donor_passengers(booking=booking, link=link) if verified else None
    if passengers is not None:
        actions.do_record_passengers_shown(booking=booking)
    exhausted = (
        booking.status == BookingStatus.SENT
        and passengers is None
        and actions.link_exhausted(booking=booking)
    )
    if exhausted:
        shown["error"] = LinkExhausted()
    # base.html lists the mistakes of the form just sent first (and says "Error:" in the
    # title); the record form only while the passengers, and so the form, are shown
    shown_forms = (shown.get("record_form") if passengers else None, shown.get("code_form"))
    return {
        "error_form": next((f for f in shown_forms if getattr(f, "errors", None)), None),
        "booking": booking,
        "link_exhausted": exhausted,
        "nominee_rule": selectors.get_nominee_rule(pledge=booking.pledge),
        "passengers": passengers,
        "record_form": shown.pop("record_form", None)
        or RecordBookingForm(initial={"currency": booking.currency}),
        **shown,
    }

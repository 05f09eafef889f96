"""Pages of the events app: public event page, big-screen tally, QR code, calendar file."""

import uuid

import segno
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from safepassage.accounts.selectors import current_user
from safepassage.donations.selectors import get_pledge_url, list_organisations_permitting
from safepassage.events import actions, selectors
from safepassage.events.access import access_event, access_programme_item
from safepassage.events.calendar_files import CalendarEvent, render_calendar
from safepassage.events.errors import EventsError
from safepassage.events.forms import EventForm, ProgrammeItemForm, in_zone
from safepassage.events.models import Event
from safepassage.site.access_policy import public, requires_permission
from safepassage.site.pagination import paginate

TALLY_REFRESH_SECONDS = 20


def event_pledge_target(event: Event) -> str:
    """Absolute address the QR code opens: the campaign's pledge page while the campaign is
    published (the page answers 404 otherwise), else the event."""
    campaign = event.campaign
    target = (
        get_pledge_url(campaign_slug=campaign.slug)
        if campaign is not None and campaign.is_published
        else None
    )
    path = target or reverse("events:event", kwargs={"slug": event.slug})
    return settings.SITE_BASE_URL.rstrip("/") + path


@public
@require_safe
def event_list_view(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    events = paginate(request, selectors.list_published_events(now=now))
    past = paginate(request, selectors.list_published_events(now=now, past=True), parameter="past")
    return render(request, "events/event_list.html", {"events": events, "past": past})


@public
@require_safe
def event_view(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.get_published_event(slug=slug)
    target = event_pledge_target(event)
    qr_svg = segno.make(target, error="m").svg_inline(scale=5, dark="#000", light="#fff")
    context = {
        "event": event,
        "tally": selectors.get_event_tally(event=event),
        "pledge_target": target,
        "qr_svg": mark_safe(qr_svg),  # noqa: S308  # segno's own markup of our own URL
    }
    return render(request, "events/event.html", context)


@public
@require_safe
def event_tally_view(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.get_published_event(slug=slug)
    target = event_pledge_target(event)
    qr_svg = segno.make(target, error="m").svg_inline(scale=6, dark="#000", light="#fff")
    context = {
        "event": event,
        "tally": selectors.get_event_tally(event=event),
        "refresh_seconds": TALLY_REFRESH_SECONDS,
        "qr_svg": mark_safe(qr_svg),  # noqa: S308  # segno's own markup of our own URL
        "pledge_target": target,
    }
    return render(request, "events/tally.html", context)


@public
@require_safe
def event_calendar_view(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.get_published_event(slug=slug)
    calendar = CalendarEvent(
        uid=f"{event.public_id}@safepassage",
        stamp=timezone.now(),
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        summary=event.title,
        location=event.venue,
        description=event.description,
        url=settings.SITE_BASE_URL.rstrip("/") + reverse("events:event", kwargs={"slug": slug}),
    )
    response = HttpResponse(render_calendar(calendar), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


@requires_permission("events.view_event")
@require_safe
def manage_events_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    organisations = list_organisations_permitting(user=user, permission="events.view_event")
    events = paginate(
        request,
        selectors.list_events_for_organisations(
            organisation_ids=[organisation.pk for organisation in organisations]
        ),
    )
    can_add = bool(user.has_perm("events.add_event"))
    return render(request, "events/manage_events.html", {"events": events, "can_add": can_add})


def _save_event(request: HttpRequest, *, event: Event | None) -> HttpResponse:
    """Shared body of the create and edit pages (one form, one action each)."""
    user = current_user(request)
    permission = "events.change_event" if event else "events.add_event"
    organisations = list_organisations_permitting(user=user, permission=permission)
    form = EventForm(
        request.POST or None,
        organisations=organisations,
        campaigns=selectors.list_campaign_choices(organisations=organisations),
        initial=EventForm.initial_for(event) if event else None,
    )
    if request.method == "POST" and form.is_valid():
        details = form.details()
        organiser = form.cleaned_data["organiser"]
        beneficiaries = list(form.cleaned_data["beneficiaries"])
        try:
            actions.check_save_event(
                actor=user,
                organiser=organiser,
                beneficiaries=beneficiaries,
                details=details,
                event=event,
            )
        except EventsError as error:
            form.add_error(None, str(error.message))
        else:
            if event is None:
                event = actions.do_create_event(
                    actor=user, organiser=organiser, beneficiaries=beneficiaries, details=details
                )
            else:
                actions.do_update_event(
                    actor=user, event=event, beneficiaries=beneficiaries, details=details
                )
            messages.success(request, _("Event saved."))
            return redirect("events:event_edit", event_id=event.public_id)
    return render(request, "events/event_form.html", {"form": form, "event": event})


@requires_permission("events.add_event")
@require_http_methods(["GET", "HEAD", "POST"])
def event_create_view(request: HttpRequest) -> HttpResponse:
    return _save_event(request, event=None)


@requires_permission("events.change_event")
@require_http_methods(["GET", "HEAD", "POST"])
def event_edit_view(request: HttpRequest, event_id: uuid.UUID) -> HttpResponse:
    event = access_event(
        user=current_user(request), event_id=event_id, permission="events.change_event"
    )
    return _save_event(request, event=event)


@requires_permission("events.change_event")
@require_http_methods(["POST"])
def event_publish_view(request: HttpRequest, event_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    event = access_event(user=user, event_id=event_id, permission="events.change_event")
    publish = request.POST.get("publish") == "1"
    actions.do_set_event_published(actor=user, event=event, published=publish)
    messages.success(request, _("Event published.") if publish else _("Event unpublished."))
    return redirect("events:event_edit", event_id=event.public_id)


@requires_permission("events.change_event")
@require_http_methods(["GET", "HEAD", "POST"])
def programme_item_add_view(request: HttpRequest, event_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    event = access_event(user=user, event_id=event_id, permission="events.change_event")
    form = ProgrammeItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.do_add_programme_item(
            actor=user,
            event=event,
            starts_at=in_zone(form.cleaned_data["starts_at"], event.time_zone),
            title=form.cleaned_data["title"],
            kind=form.cleaned_data["kind"],
        )
        messages.success(request, _("Programme item added."))
        return redirect("events:event_edit", event_id=event.public_id)
    return render(request, "events/programme_item_form.html", {"form": form, "event": event})


@requires_permission("events.change_event")
@require_http_methods(["GET", "HEAD", "POST"])
def programme_item_edit_view(
    request: HttpRequest, event_id: uuid.UUID, item_id: uuid.UUID
) -> HttpResponse:
    user = current_user(request)
    item = access_programme_item(
        user=user, event_id=event_id, item_id=item_id, permission="events.change_event"
    )
    form = ProgrammeItemForm(request.POST or None, initial=ProgrammeItemForm.initial_for(item))
    if request.method == "POST" and form.is_valid():
        actions.do_update_programme_item(
            actor=user,
            item=item,
            starts_at=in_zone(form.cleaned_data["starts_at"], item.event.time_zone),
            title=form.cleaned_data["title"],
            kind=form.cleaned_data["kind"],
        )
        messages.success(request, _("Programme item saved."))
        return redirect("events:event_edit", event_id=event_id)
    context = {"form": form, "event": item.event, "item": item}
    return render(request, "events/programme_item_form.html", context)


@requires_permission("events.change_event")
@require_http_methods(["POST"])
def programme_item_remove_view(
    request: HttpRequest, event_id: uuid.UUID, item_id: uuid.UUID
) -> HttpResponse:
    user = current_user(request)
    item = access_programme_item(
        user=user, event_id=event_id, item_id=item_id, permission="events.change_event"
    )
    actions.do_remove_programme_item(actor=user, item=item)
    messages.success(request, _("Programme item removed."))
    return redirect("events:event_edit", event_id=event_id)

"""Events: staff create them in local time; public page, tally, QR code and calendar file."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.events.calendar_files import CRLF, escape_text, fold_line
from safepassage.events.models import Event, ProgrammeItem
from tests.donations.factories import CampaignFactory, ensure_catalogue, make_gift, make_pledge
from tests.events.factories import EVENING_YEAR, HONG_KONG_EVENING, EventFactory
from tests.factories import make_staff, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalogue() -> None:
    ensure_catalogue()


def _form(organiser_pk: int, **changes: object) -> dict[str, object]:
    return {
        "organiser": organiser_pk,
        "title": "Harbour Lights Evening",
        "slug": "harbour-lights",
        "venue": "Harbour Hall, Hong Kong",
        "time_zone": "Asia/Hong_Kong",
        "starts_at": "2026-12-12T19:00",
        "ends_at": "2026-12-12T22:30",
        "description": "Panel; music, and a remote session.",
        "remote_session": "A call with a caseworker in Tbilisi.",
    } | changes


def test_a_fundraiser_creates_an_event_in_its_local_time_audited() -> None:
    fundraiser = make_staff(Role.FUNDRAISER)
    client = sign_in(Client(), fundraiser)
    response = client.post(reverse("events:event_create"), _form(fundraiser.organisation.pk))
    assert response.status_code == 302
    event = Event.objects.get(slug="harbour-lights")
    assert event.starts_at == datetime.datetime(2026, 12, 12, 11, 0, tzinfo=datetime.UTC)
    assert event.ends_at == datetime.datetime(2026, 12, 12, 14, 30, tzinfo=datetime.UTC)
    assert not event.is_published
    assert AuditEvent.objects.get(action="event.created").object_ref == str(event.public_id)
    # and a programme item is read in the event's time zone too
    client.post(
        reverse("events:programme_item_add", kwargs={"event_id": event.public_id}),
        {"starts_at": "2026-12-12T20:15", "title": "Panel", "kind": "panel"},
    )
    item = ProgrammeItem.objects.get(event=event)
    assert item.starts_at == datetime.datetime(2026, 12, 12, 12, 15, tzinfo=datetime.UTC)


def test_a_beneficiary_id_no_database_integer_holds_is_a_form_error() -> None:
    # given a fundraiser
    fundraiser = make_staff(Role.FUNDRAISER)
    client = sign_in(Client(), fundraiser)
    client.raise_request_exception = True

    # when a tampered form names a beneficiary id beyond any integer column
    response = client.post(
        reverse("events:event_create"),
        _form(fundraiser.organisation.pk, beneficiaries=["9" * 25]),
    )

    # then the form refuses it (SQLite raised OverflowError: a server error) and saves nothing
    assert response.status_code == 200
    assert not Event.objects.exists()


def test_an_event_must_end_after_it_starts() -> None:
    fundraiser = make_staff(Role.FUNDRAISER)
    response = sign_in(Client(), fundraiser).post(
        reverse("events:event_create"),
        _form(fundraiser.organisation.pk, ends_at="2026-12-12T18:00"),
    )
    assert response.status_code == 200
    assert "must end after it starts" in response.text
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("time_zone", "starts_at", "ends_at"),
    [
        # the first and last days of the calendar: converting them to UTC overflowed (500)
        ("Asia/Hong_Kong", "0001-01-01T00:00", "0001-01-01T05:00"),
        ("America/Los_Angeles", "9999-12-31T20:00", "9999-12-31T23:00"),
        # a year typed as 26
        ("Asia/Hong_Kong", "0026-12-12T19:00", "0026-12-12T22:00"),
    ],
)
def test_a_time_outside_the_planning_window_is_a_form_error_and_nothing_is_written(
    time_zone: str, starts_at: str, ends_at: str
) -> None:
    # given an organiser with an event
    fundraiser = make_staff(Role.FUNDRAISER)
    client = sign_in(Client(), fundraiser)
    event = EventFactory.create(organiser=fundraiser.organisation, time_zone=time_zone)
    audit_before = AuditEvent.objects.count()
    # when they give a time at the edge of the calendar for a new event or a programme item
    created = client.post(
        reverse("events:event_create"),
        _form(
            fundraiser.organisation.pk, time_zone=time_zone, starts_at=starts_at, ends_at=ends_at
        ),
    )
    item = client.post(
        reverse("events:programme_item_add", kwargs={"event_id": event.public_id}),
        {"starts_at": starts_at, "title": "Panel", "kind": "panel"},
    )
    # then each form says so and nothing is written
    for response in (created, item):
        assert response.status_code == 200
        assert "choose a day from 1 January 2000 to" in response.text
    assert list(Event.objects.all()) == [event]
    assert not ProgrammeItem.objects.exists()
    assert AuditEvent.objects.count() == audit_before


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.VIEWER, Role.TRAVEL_COORDINATOR])
def test_other_roles_cannot_create_events_and_nothing_is_written(role: str) -> None:
    staff = make_staff(role)
    events_before = AuditEvent.objects.count()
    response = sign_in(Client(), staff).post(
        reverse("events:event_create"), _form(staff.organisation.pk)
    )
    assert response.status_code == 403
    assert not Event.objects.exists()
    assert AuditEvent.objects.count() == events_before


def test_another_organisations_admin_cannot_touch_an_event_and_nothing_is_written() -> None:
    event = EventFactory.create(is_published=False)
    outsider = make_staff(Role.ADMIN)
    client = sign_in(Client(), outsider)
    events_before = AuditEvent.objects.count()
    responses = [
        client.post(
            reverse("events:event_publish", kwargs={"event_id": event.public_id}),
            {"publish": "1"},
        ),
        client.post(
            reverse("events:event_edit", kwargs={"event_id": event.public_id}),
            _form(outsider.organisation.pk),
        ),
        client.post(
            reverse("events:programme_item_add", kwargs={"event_id": event.public_id}),
            {"starts_at": "2026-12-12T20:15", "title": "Panel", "kind": "panel"},
        ),
    ]
    assert [response.status_code for response in responses] == [404, 404, 404]
    event.refresh_from_db()
    assert not event.is_published
    assert not ProgrammeItem.objects.exists()
    assert AuditEvent.objects.count() == events_before


def test_the_tally_counts_campaign_money_and_pledges_once_and_refreshes_itself() -> None:
    # given an event linked to a campaign with a gift and pledges at the event or to it
    campaign = CampaignFactory.create(goal_currency="HKD", goal_money=100_000)
    event = EventFactory.create(campaign=campaign)
    make_gift(campaign=campaign, amount="2500.00", currency="HKD")
    make_pledge(program_code="UA", miles=30_000, campaign=campaign, event=event)
    make_pledge(program_code="SQ", miles=20_000, event=event)
    make_pledge(program_code="DL", miles=10_000, campaign=campaign)
    make_pledge(program_code="DL", miles=99_000, event=event, status="unconfirmed")
    # when the big screen loads the tally
    response = Client().get(reverse("events:event_tally", kwargs={"slug": event.slug}))
    # then it shows money and confirmed miles, each pledge once, and refreshes without JS
    assert response.status_code == 200
    assert '<meta http-equiv="refresh" content="20">' in response.text
    assert "2,500.00 HKD" in response.text
    assert "<dd>60,000</dd>" in response.text
    assert "<dd>3</dd>" in response.text
    assert "<script" not in response.text
    assert "style=" not in response.text


def test_the_event_page_has_a_local_qr_code_to_the_event_and_the_programme() -> None:
    event = EventFactory.create()
    ProgrammeItem.objects.create(
        event=event,
        starts_at=HONG_KONG_EVENING + datetime.timedelta(hours=1),
        title="Panel: leaving safely",
        kind="panel",
    )
    response = Client().get(reverse("events:event", kwargs={"slug": event.slug}))
    assert response.status_code == 200
    assert '<svg width="' in response.text
    assert 'class="segno"' in response.text
    assert f"http://127.0.0.1:8000/events/{event.slug}/" in response.text
    assert "20:00" in response.text  # 12:00 UTC in Hong Kong
    assert "style=" not in response.text


def test_unpublished_events_are_not_found_anywhere_public() -> None:
    event = EventFactory.create(is_published=False)
    for name in ("events:event", "events:event_tally", "events:event_calendar"):
        assert Client().get(reverse(name, kwargs={"slug": event.slug})).status_code == 404


def test_the_calendar_file_is_rfc_5545() -> None:
    event = EventFactory.create(title="Lights, music; and hope", description="Line one\nLine two")
    response = Client().get(reverse("events:event_calendar", kwargs={"slug": event.slug}))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")
    unfolded = body.replace("\r\n ", "")
    assert f"UID:{event.public_id}@safepassage\r\n" in unfolded
    assert f"DTSTART:{EVENING_YEAR}1212T110000Z\r\n" in unfolded
    assert f"DTEND:{EVENING_YEAR}1212T140000Z\r\n" in unfolded
    assert "SUMMARY:Lights\\, music\\; and hope\r\n" in unfolded
    assert "DESCRIPTION:Line one\\nLine two\r\n" in unfolded
    assert "DTSTAMP:" in unfolded


def test_escaping_covers_backslashes_first() -> None:
    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"


@given(st.text(min_size=0, max_size=400))
def test_folding_keeps_every_line_within_75_octets_and_unfolds_back(text: str) -> None:
    line = "DESCRIPTION:" + escape_text(text)
    folded = fold_line(line)
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split(CRLF))
    assert folded.replace(CRLF + " ", "") == line


def test_the_qr_code_of_an_event_whose_campaign_is_unpublished_leads_to_the_event() -> None:
    # given a published event counting towards a campaign that is not (or no longer) public
    campaign = CampaignFactory.create(is_published=False)
    event = EventFactory.create(campaign=campaign)
    # when a guest scans the code on the event page or the big screen
    pages = [
        Client().get(reverse(name, kwargs={"slug": event.slug}))
        for name in ("events:event", "events:event_tally")
    ]
    # then it opens the event page, not a pledge page that answers 404
    for page in pages:
        assert page.context["pledge_target"] == f"http://127.0.0.1:8000/events/{event.slug}/"
        assert f"/donate/pledge/for/{campaign.slug}/" not in page.text
    assert Client().get(f"/events/{event.slug}/").status_code == 200

"""Staff edit and remove an event's programme items: local time, audited, role-checked."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.events.models import Event, ProgrammeItem, ProgrammeKind
from tests.events.factories import EVENING_YEAR, HONG_KONG_EVENING, EventFactory
from tests.factories import OrganisationFactory, StaffMember, make_staff, sign_in

pytestmark = pytest.mark.django_db


def _event_with_item(organiser: object) -> tuple[Event, ProgrammeItem]:
    event = EventFactory.create(organiser=organiser)
    item = ProgrammeItem.objects.create(
        event=event, starts_at=HONG_KONG_EVENING, title="Opening", kind=ProgrammeKind.TALK
    )
    return event, item


def _urls(event: Event, item: ProgrammeItem) -> tuple[str, str]:
    kwargs = {"event_id": event.public_id, "item_id": item.public_id}
    return (
        reverse("events:programme_item_edit", kwargs=kwargs),
        reverse("events:programme_item_remove", kwargs=kwargs),
    )


CHANGED = {
    "starts_at": f"{EVENING_YEAR}-12-12T20:15",
    "title": "Panel: getting out",
    "kind": "panel",
}


@pytest.mark.parametrize("role", [Role.FUNDRAISER, Role.ADMIN])
def test_staff_change_an_item_in_the_events_local_time_and_it_is_audited(role: str) -> None:
    # given
    staff = make_staff(role)
    event, item = _event_with_item(staff.organisation)
    edit_url, _remove_url = _urls(event, item)
    client = sign_in(Client(), staff)

    # when
    page = client.get(edit_url)
    response = client.post(edit_url, CHANGED)

    # then: 20:15 in Hong Kong is 12:15 UTC
    assert page.status_code == 200
    assert f'value="{EVENING_YEAR}-12-12T19:00"' in page.text
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.starts_at == HONG_KONG_EVENING + datetime.timedelta(hours=1, minutes=15)
    assert (item.title, item.kind) == ("Panel: getting out", "panel")
    audit = AuditEvent.objects.get(action="programme_item.updated")
    assert audit.object_ref == str(item.public_id)
    assert audit.organisation == str(staff.organisation.public_id)
    assert "getting out" not in str(AuditEvent.objects.values())


def test_staff_remove_an_item_and_the_public_page_no_longer_shows_it() -> None:
    staff = make_staff(Role.FUNDRAISER)
    event, item = _event_with_item(staff.organisation)
    _edit_url, remove_url = _urls(event, item)

    response = sign_in(Client(), staff).post(remove_url)

    assert response.status_code == 302
    assert not ProgrammeItem.objects.exists()
    assert AuditEvent.objects.filter(
        action="programme_item.removed", object_ref=str(item.public_id)
    ).exists()
    assert "Opening" not in Client().get(reverse("events:event", kwargs={"slug": event.slug})).text


def test_the_event_page_lists_items_with_edit_and_remove() -> None:
    staff = make_staff(Role.FUNDRAISER)
    event, item = _event_with_item(staff.organisation)
    edit_url, remove_url = _urls(event, item)

    page = sign_in(Client(), staff).get(
        reverse("events:event_edit", kwargs={"event_id": event.public_id})
    )

    assert edit_url in page.text
    assert remove_url in page.text
    assert '<th scope="row">Opening</th>' in page.text


def test_an_invalid_change_is_shown_again_and_changes_nothing() -> None:
    staff = make_staff(Role.FUNDRAISER)
    event, item = _event_with_item(staff.organisation)
    edit_url, _remove_url = _urls(event, item)

    response = sign_in(Client(), staff).post(edit_url, CHANGED | {"kind": "fireworks"})

    assert response.status_code == 200
    item.refresh_from_db()
    assert item.title == "Opening"
    assert not AuditEvent.objects.filter(action="programme_item.updated").exists()


def _written() -> tuple[int, list[tuple[str, str]]]:
    return AuditEvent.objects.count(), list(ProgrammeItem.objects.values_list("title", "kind"))


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.VIEWER, Role.TRAVEL_COORDINATOR])
def test_other_roles_cannot_edit_or_remove_items_and_nothing_is_written(role: str) -> None:
    staff = make_staff(role)
    event, item = _event_with_item(staff.organisation)
    edit_url, remove_url = _urls(event, item)
    client = sign_in(Client(), staff)
    before = _written()

    statuses = [client.post(edit_url, CHANGED).status_code, client.post(remove_url).status_code]

    assert statuses == [403, 403]
    assert _written() == before


def test_another_organisations_admin_gets_404_and_nothing_is_written() -> None:
    event, item = _event_with_item(OrganisationFactory.create())
    edit_url, remove_url = _urls(event, item)
    client = sign_in(Client(), make_staff(Role.ADMIN))
    before = _written()

    statuses = [
        client.get(edit_url).status_code,
        client.post(edit_url, CHANGED).status_code,
        client.post(remove_url).status_code,
    ]

    assert statuses == [404, 404, 404]
    assert _written() == before


def test_an_item_is_only_found_under_its_own_event() -> None:
    staff: StaffMember = make_staff(Role.FUNDRAISER)
    _event, item = _event_with_item(staff.organisation)
    other_event = EventFactory.create(organiser=staff.organisation)
    url = reverse(
        "events:programme_item_edit",
        kwargs={"event_id": other_event.public_id, "item_id": item.public_id},
    )

    assert sign_in(Client(), staff).get(url).status_code == 404

"""``safepassage audit verify`` names an edited, deleted, inserted or reordered event."""

import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from safepassage.audit.actions import record_audit_event
from safepassage.audit.models import AuditEvent
from safepassage.core.audit_chain import EventContent, hash_entry

pytestmark = pytest.mark.django_db


def _record(count: int) -> list[AuditEvent]:
    return [
        record_audit_event(
            actor_ref=str(uuid.uuid4()),
            action=f"test.action_{index}",
            object_type="thing",
            object_ref=str(uuid.uuid4()),
        )
        for index in range(count)
    ]


def _verify() -> tuple[bool, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except CommandError as error:
        return False, err.getvalue() + str(error)
    return True, out.getvalue()


def _execute(sql: str, params: list[int | str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_untouched_chain_verifies() -> None:
    _record(5)

    intact, output = _verify()

    assert intact
    assert "5 events" in output


def test_an_edited_event_is_named() -> None:
    events = _record(5)

    _execute("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["case.viewed", events[2].pk])

    intact, output = _verify()
    assert not intact
    assert f"edited: event {events[2].event_id}" in output


def test_a_deleted_event_is_found_where_it_was() -> None:
    events = _record(5)

    _execute("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])

    intact, output = _verify()
    assert not intact
    assert f"deleted: an event before {events[3].event_id}" in output


def test_a_deleted_tail_is_found() -> None:
    events = _record(5)

    _execute("DELETE FROM audit_auditevent WHERE id = %s", [events[4].pk])

    intact, output = _verify()
    assert not intact
    assert "truncated: the last 1 event(s) after position 4 were deleted" in output


def test_an_inserted_event_is_named() -> None:
    events = _record(4)
    forged = EventContent(
        event_id=str(uuid.uuid4()),
        occurred_at="2026-11-25T10:00:00+00:00",
        actor="system",
        action="forged",
        object_type="thing",
        object_ref="x",
        outcome="success",
        organisation="",
    )
    forged_hash = hash_entry(previous_hash=events[1].entry_hash, content=forged)
    _execute("UPDATE audit_auditevent SET position = position + 100 WHERE position > 2", [])
    _execute("UPDATE audit_auditevent SET position = position - 99 WHERE position > 100", [])
    AuditEvent.objects.create(
        position=3,
        event_id=forged.event_id,
        occurred_at=forged.occurred_at,
        actor=forged.actor,
        action=forged.action,
        object_type=forged.object_type,
        object_ref=forged.object_ref,
        outcome=forged.outcome,
        organisation="",
        previous_hash=events[1].entry_hash,
        entry_hash=forged_hash,
    )

    intact, output = _verify()
    assert not intact
    assert f"inserted: event {forged.event_id}" in output


def test_swapped_events_are_named_as_reordered() -> None:
    events = _record(5)

    _execute("UPDATE audit_auditevent SET position = 100 WHERE id = %s", [events[1].pk])
    _execute("UPDATE audit_auditevent SET position = 2 WHERE id = %s", [events[2].pk])
    _execute("UPDATE audit_auditevent SET position = 3 WHERE id = %s", [events[1].pk])

    intact, output = _verify()
    assert not intact
    assert "reordered" in output
    assert str(events[2].event_id) in output or str(events[1].event_id) in output


def test_events_hold_references_not_personal_values() -> None:
    from tests.factories import make_staff

    staff = make_staff("admin")

    event = record_audit_event(
        actor_ref=str(staff.user.public_id),
        action="x",
        object_type="user",
        object_ref=str(staff.user.public_id),
    )

    stored = " ".join(
        str(value) for value in AuditEvent.objects.filter(pk=event.pk).values().get().values()
    )
    assert staff.user.email not in stored
    assert staff.user.display_name not in stored

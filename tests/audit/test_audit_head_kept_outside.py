"""The operator guide: keep the last line of ``audit verify`` off the server, since whoever
controls the database can rewrite the whole chain and its head together; ``--expect-head``
with that line then catches the rewrite."""

import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safepassage.audit.actions import record_audit_event
from safepassage.audit.models import AuditEvent, AuditHead

pytestmark = pytest.mark.django_db


def _record(count: int) -> None:
    for _ in range(count):
        record_audit_event(
            actor_ref=str(uuid.uuid4()),
            action="test.action",
            object_type="thing",
            object_ref=str(uuid.uuid4()),
        )


def _verify(*args: str) -> str:
    out = StringIO()
    call_command("audit", "verify", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_last_line_is_the_head_and_a_later_run_accepts_it_after_new_events() -> None:
    # Given a chain verified once, its last line kept
    _record(3)
    kept = _verify().strip().splitlines()[-1]
    head = AuditHead.objects.get()
    assert kept == f"head {head.position}:{head.entry_hash}"

    # When more events are recorded, Then verifying against the kept line still passes
    _record(2)
    assert "intact" in _verify("--expect-head", kept)


def test_a_chain_rewritten_with_its_head_passes_alone_but_not_against_the_kept_line() -> None:
    # Given the kept head line of a chain
    _record(3)
    kept = _verify().strip().splitlines()[-1]

    # When someone who controls the database deletes everything and writes a new chain
    AuditEvent.objects.all().delete()
    AuditHead.objects.all().delete()
    _record(4)

    # Then it verifies on its own, but not against the line kept off the server
    assert "intact" in _verify()
    with pytest.raises(CommandError, match="broken"):
        _verify("--expect-head", kept)


def test_a_malformed_expected_head_is_refused() -> None:
    with pytest.raises(CommandError, match="POSITION:HASH"):
        _verify("--expect-head", "yesterday")

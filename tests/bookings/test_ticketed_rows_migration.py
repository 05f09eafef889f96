"""Migration bookings.0006: "ticketed" rows bookings wrote itself (actor: the accepting
coordinator, reason sealed in advance) become the system's moves; other rows stay."""

import uuid
from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from safepassage.cases.models import CaseTransition
from safepassage.cases.models.case import TransitionActorKind, TransitionReason
from tests.bookings.factories import make_network, matrix_run, planned_case

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("bookings", "0005_run_queued_since_cash_paid")]
AFTER = [("bookings", "0006_trip_ticketed_move_by_the_system")]


@pytest.fixture(autouse=True)
def _latest_schema_afterwards() -> Iterator[None]:
    """Leave the database at the latest migrations (0006 is no longer the last): the next
    transactional test on this worker needs every table."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_earlier_ticketed_rows_become_the_systems_moves() -> None:
    # given the schema before the migration, with a trip whose "ticketed" row bookings wrote
    network = make_network()
    case = planned_case(network)
    coordinator = network.coordinator.user
    run = matrix_run(network.organisation, coordinator)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state([*BEFORE, ("cases", "0008_transition_actor_kind")]).apps
    transition_id = uuid.uuid4()
    old.get_model("bookings", "Trip").objects.create(
        organisation_id=network.organisation.pk,
        case_id=case.pk,
        run_id=run.pk,
        request_ref=str(uuid.uuid4()),
        option_ref="option",
        travellers=1,
        accepted_by_id=coordinator.pk,
        accepted_on=timezone.localdate(),
        record_public_key=b"\0" * 32,
        record_private_key=b"sealed",
        ticketed_transition_id=transition_id,
        ticketed_reason=b"sealed",
    )
    rows = old.get_model("cases", "CaseTransition").objects
    today = timezone.localdate()
    rows.create(
        public_id=transition_id,
        case_id=case.pk,
        actor_id=coordinator.pk,
        actor_kind="staff",
        source="travel_planned",
        target="ticketed",
        made_on=today,
        reason=b"sealed",
        reason_group="travel-passenger",
    )
    # and a staff move of the same case that is not one of them
    staff_row = rows.create(
        case_id=case.pk,
        actor_id=coordinator.pk,
        actor_kind="staff",
        source="documents_visa",
        target="travel_planned",
        made_on=today,
        reason=b"sealed",
        reason_group="travel-passenger",
    )
    # when the migration runs
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    # then bookings' row is the system's "all tickets booked", naming no one, nothing sealed
    moved = CaseTransition.objects.get(public_id=transition_id)
    assert moved.actor_kind == TransitionActorKind.SYSTEM
    assert (moved.actor, moved.reason, moved.reason_group) == (None, None, "")
    assert moved.reason_code == TransitionReason.ALL_TICKETS_BOOKED
    assert (moved.source, moved.target, moved.made_on) == ("travel_planned", "ticketed", today)
    # and the staff move is untouched
    kept = CaseTransition.objects.get(pk=staff_row.pk)
    assert kept.actor_kind == TransitionActorKind.STAFF
    assert kept.actor == coordinator
    assert kept.reason is not None

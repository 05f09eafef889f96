"""The case's "ticketed" move is the cases app's system move now (decision 0019), so trips no
longer carry a transition id and a reason sealed in advance for it.

Rows bookings wrote for that move before (public id = a trip's ``ticketed_transition_id``,
actor = the coordinator who accepted the plan, the sealed reason "every ticket of the trip is
booked") become what they always were: moves of the system, "all tickets booked", naming no
one and holding no text. Their day, states and case are kept.
"""

from django.db import migrations


def ticketed_rows_to_system_moves(apps, schema_editor):
    Trip = apps.get_model("bookings", "Trip")
    CaseTransition = apps.get_model("cases", "CaseTransition")
    CaseTransition.objects.filter(
        public_id__in=Trip.objects.values("ticketed_transition_id"),
        target="ticketed",
        actor_kind="staff",
    ).update(
        actor=None,
        actor_kind="system",
        reason=None,
        reason_group="",
        reason_code="all_tickets_booked",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0005_run_queued_since_cash_paid"),
        ("cases", "0008_transition_actor_kind"),
    ]

    operations = [
        # Not reversible: the sealed reasons are gone once the column is.
        migrations.RunPython(ticketed_rows_to_system_moves, migrations.RunPython.noop),
        migrations.RemoveField(model_name="trip", name="ticketed_reason"),
        migrations.RemoveField(model_name="trip", name="ticketed_transition_id"),
    ]

"""Case transitions name who made them: a staff member, the applicant or the system.

Existing rows were all written with a staff actor (``actor_kind`` staff). An applicant's
withdrawal used to leave only its audit event (``case.state.withdrawn`` by ``applicant``);
each one whose case still exists gets its row here, dated the day of the event, from the
state the case's audit trail shows it was in (the target of its previous
``case.state.*`` event, or "new"). The audit trail is only read.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

STATES = {
    "new",
    "triaged",
    "vetting",
    "approved",
    "documents_visa",
    "travel_planned",
    "ticketed",
    "departed",
    "arrived",
    "resettled",
    "declined",
    "withdrawn",
    "closed",
}


def record_applicant_withdrawals(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    Case = apps.get_model("cases", "Case")
    CaseTransition = apps.get_model("cases", "CaseTransition")
    withdrawals = AuditEvent.objects.filter(
        actor="applicant", action="case.state.withdrawn", object_type="case"
    ).order_by("position")
    for event in withdrawals:
        case = Case.objects.filter(public_id=event.object_ref).first()
        if case is None:
            continue  # shredded since
        if CaseTransition.objects.filter(case=case, actor_kind="applicant").exists():
            continue
        previous = (
            AuditEvent.objects.filter(
                object_type="case",
                object_ref=event.object_ref,
                action__startswith="case.state.",
                position__lt=event.position,
            )
            .order_by("-position")
            .values_list("action", flat=True)
            .first()
        )
        source = previous.removeprefix("case.state.") if previous else "new"
        CaseTransition.objects.create(
            case=case,
            actor=None,
            actor_kind="applicant",
            source=source if source in STATES else "new",
            target="withdrawn",
            made_on=timezone.localdate(event.occurred_at),
            reason=None,
            reason_group="",
            reason_code="applicant_withdrew",
        )


def forget_rows_without_staff(apps, schema_editor):
    CaseTransition = apps.get_model("cases", "CaseTransition")
    CaseTransition.objects.exclude(actor_kind="staff").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("cases", "0007_shred_reason_restored"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="casetransition",
            name="actor_kind",
            field=models.CharField(
                choices=[
                    ("staff", "a staff member"),
                    ("applicant", "the applicant"),
                    ("system", "the system"),
                ],
                default="staff",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="casetransition",
            name="reason_code",
            field=models.CharField(
                blank=True,
                choices=[
                    ("all_tickets_booked", "all tickets booked"),
                    ("ticket_cancelled", "a booked ticket was cancelled before departure"),
                    ("ticket_declined", "a ticket waiting to be booked again was declined"),
                    ("applicant_withdrew", "withdrawn by the applicant"),
                ],
                default="",
                max_length=32,
            ),
        ),
        migrations.AlterField(
            model_name="casetransition",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="casetransition",
            name="reason",
            field=models.BinaryField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="casetransition",
            name="reason_group",
            field=models.CharField(blank=True, default="narrative", max_length=32),
        ),
        migrations.AddConstraint(
            model_name="casetransition",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("actor__isnull", False),
                        ("actor_kind", "staff"),
                        ("reason__isnull", False),
                        ("reason_code", ""),
                    ),
                    models.Q(
                        ("actor__isnull", True),
                        ("actor_kind__in", ["applicant", "system"]),
                        ("reason__isnull", True),
                        models.Q(("reason_code", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="case_transition_actor_and_reason",
            ),
        ),
        migrations.RunPython(record_applicant_withdrawals, forget_rows_without_staff),
    ]

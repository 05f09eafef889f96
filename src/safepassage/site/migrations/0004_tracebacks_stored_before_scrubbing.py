"""Failed task results written before ``safepassage.site.task_results`` hold the exception's
message at the end of their traceback (a refused address, a name): keep the class, drop the
text (decision 0048).

A stored traceback is text, not an exception, and a message can span lines that look like
anything, so no frame is kept: the traceback becomes a line saying why, and the task, the
exception's class and the times stay as they were. Results that did not fail have none.
"""

from typing import Any

from django.db import migrations
from django.db.models import F, TextField, Value
from django.db.models.functions import Concat

REMOVED = "(traceback removed on upgrade: it could quote the exception's message; decision 0048)\n"


def drop_old_tracebacks(apps: Any, schema_editor: Any) -> None:
    results = apps.get_model("django_tasks_database", "DBTaskResult")
    results.objects.exclude(traceback="").update(
        traceback=Concat(
            Value(REMOVED), F("exception_class_path"), Value("\n"), output_field=TextField()
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
        ("site", "0003_session_keys_stored_as_digests"),
    ]

    operations = [migrations.RunPython(drop_old_tracebacks, migrations.RunPython.noop)]

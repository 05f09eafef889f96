"""Sessions stored before ``safepassage.site.sessions`` hold their key (the cookie value) in
clear: store each under its keyed digest instead, so nobody is signed out (decision 0048).

The digest is written out here rather than imported, so this migration keeps doing what it
did when the engine changes. Django's session keys are 32 characters; a digest is 40, so a
row already stored as a digest is left alone and running it twice changes nothing. Going
back cannot recover a key from its digest: it ends every session instead.
"""

from typing import Any

from django.conf import settings
from django.db import migrations
from django.utils.crypto import salted_hmac

KEY_SALT = "safepassage.site.sessions.stored_key"
STORED_KEY_LENGTH = 40


def store_keys_as_digests(apps: Any, schema_editor: Any) -> None:
    session_model = apps.get_model("sessions", "Session")
    clear = session_model.objects.exclude(session_key__regex=r"^[0-9a-f]{40}$")
    for old_key in list(clear.values_list("session_key", flat=True)):
        digest = salted_hmac(
            KEY_SALT, old_key, secret=settings.SECRET_KEY, algorithm="sha256"
        ).hexdigest()[:STORED_KEY_LENGTH]
        session_model.objects.filter(session_key=old_key).update(session_key=digest)


def end_every_session(apps: Any, schema_editor: Any) -> None:
    apps.get_model("sessions", "Session").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sessions", "0001_initial"),
        ("site", "0002_scheduledtaskrun"),
    ]

    operations = [migrations.RunPython(store_keys_as_digests, end_every_session)]

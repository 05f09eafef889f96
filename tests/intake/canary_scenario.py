"""The intake canary scenario, run by ``test_canary.py`` in its own process (not a test module).

On a fresh database in ``SAFEPASSAGE_DATA_DIR`` (a real SQLite file in WAL mode, or the
PostgreSQL database in ``DATABASE_URL``), logging at DEBUG with SQL: an applicant (marker
address and user agent) sends a request through the real form with a marker in every
answer, signs in with the codename and writes a marker message; a caseworker signs in through
the real pages, takes the case, reads every answer and the message, and replies with a marker
the applicant then reads. The codename goes to the file named by ``CANARY_SECRETS_FILE``
(outside the data folder) so the test can search for it. On SQLite the database file, WAL and
shm are snapshotted while the connection is open. Exits non-zero if any reader missed a value.
"""

import logging
import os
import re
import shutil
import sys
from pathlib import Path


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safepassage.config.settings")
    import django

    django.setup()
    logging.getLogger().setLevel(logging.DEBUG)
    logging.getLogger("django.db.backends").setLevel(logging.DEBUG)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    call_command("migrate", verbosity=0)

    from safepassage.accounts.roles import Role
    from safepassage.cases.models import Case
    from tests.cases.factories import keyed_organisation, make_keyed_staff
    from tests.factories import STAFF_PASSWORD

    markers = dict(line.split("=", 1) for line in sys.stdin.read().splitlines() if line)
    organisation, _recovery = keyed_organisation()
    caseworker = make_keyed_staff(Role.CASEWORKER, organisation)

    applicant = Client(REMOTE_ADDR=markers["address"], HTTP_USER_AGENT=markers["user_agent"])
    form_page = applicant.get(reverse("intake:start")).content.decode()
    token = re.search(r'name="submission" value="([^"]+)"', form_page)
    submitted = applicant.post(
        reverse("intake:start"),
        {
            "submission": token.group(1) if token else "",
            "organisation": str(organisation.public_id),
            "name": markers["name"],
            "contact": markers["contact"],
            "location": markers["location"],
            "party_size": "2",
            "travelling_with": markers["travelling_with"],
            "story": markers["story"],
            "urgency": "immediate",
            "word_list": "ru",
        },
    ).content.decode()
    codename = re.search(r'<code class="secret" id="codename">([^<]+)</code>', submitted)
    case_code = re.search(r'<code class="secret" id="case-code">([^<]+)</code>', submitted)
    if codename is None or case_code is None:
        sys.stdout.write("CANARY SCENARIO FAILED: no codename shown\n")
        return 1
    Path(os.environ["CANARY_SECRETS_FILE"]).write_text(codename.group(1), encoding="utf-8")
    applicant.post(
        reverse("intake:sign_in"),
        {"codename": codename.group(1), "case_code": case_code.group(1)},
    )
    applicant.post(reverse("intake:status"), {"body": markers["applicant_message"]})

    staff = Client()
    staff.post(
        reverse("accounts:login"), {"email": caseworker.user.email, "password": STAFF_PASSWORD}
    )
    staff.post(reverse("accounts:two_factor"), {"code": caseworker.staff.current_code()})
    case = Case.objects.get(code=case_code.group(1))
    kwargs = {"case_id": case.public_id}
    staff.post(reverse("cases:take", kwargs=kwargs))
    seen = staff.get(reverse("cases:detail", kwargs=kwargs)).content.decode()
    seen += staff.get(reverse("intake_staff:messages", kwargs=kwargs)).content.decode()
    staff.post(reverse("intake_staff:reply", kwargs=kwargs), {"body": markers["staff_reply"]})
    applicant_seen = applicant.get(reverse("intake:status")).content.decode()

    staff_values = ("name", "contact", "location", "travelling_with", "story", "applicant_message")
    missing = [name for name in staff_values if markers[name] not in seen]
    missing += [
        name for name in ("applicant_message", "staff_reply") if markers[name] not in applicant_seen
    ]
    if connection.vendor == "sqlite":
        database = Path(settings.DATABASES["default"]["NAME"])
        snapshot = Path(os.environ["SAFEPASSAGE_DATA_DIR"]) / "snapshot"
        snapshot.mkdir()
        for suffix in ("", "-wal", "-shm"):
            source = database.with_name(database.name + suffix)
            if source.exists():
                shutil.copy(source, snapshot / source.name)
        connection.close()
    if missing:
        sys.stdout.write(f"CANARY SCENARIO FAILED: missing {missing}\n")
        return 1
    sys.stdout.write("CANARY SCENARIO DONE\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

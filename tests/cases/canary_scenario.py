"""The canary scenario, run by ``test_canary.py`` in a separate process on a real SQLite file.

Not a test module: it migrates a fresh database in ``SAFEPASSAGE_DATA_DIR``, logs at DEBUG
(SQL included), signs staff in through the real pages, puts one unique marker (read from
standard input, one per line, ``name=value``) in every sensitive field (case groups, note,
household, transition reason, task, document name and content, referral consent, intake),
checks that the authorised reader sees them all, and on SQLite snapshots the database file
with its WAL while the connection is still open (on PostgreSQL the test runs ``pg_dump``).
It exits non-zero if anything is off.
"""

import logging
import os
import shutil
import sys
import uuid
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

    from django.core.files.uploadedfile import SimpleUploadedFile

    from safepassage.accounts.roles import Role
    from safepassage.cases.actions import WorkflowFields, do_create_case_from_intake
    from safepassage.cases.models import Case, CaseDocument, OrganisationKeyring
    from safepassage.core.crypto import (
        FieldContext,
        IntakeValue,
        PublicKey,
        SensitiveGroup,
        seal_intake,
    )
    from safepassage.organisations.models import Partnership
    from tests.cases.factories import KeyedStaff, keyed_organisation, make_keyed_staff
    from tests.factories import STAFF_PASSWORD

    markers = dict(line.split("=", 1) for line in sys.stdin.read().splitlines() if line)

    def signed_in(keyed: KeyedStaff) -> Client:
        client = Client()
        client.post(
            reverse("accounts:login"), {"email": keyed.user.email, "password": STAFF_PASSWORD}
        )
        client.post(reverse("accounts:two_factor"), {"code": keyed.staff.current_code()})
        return client

    organisation, _recovery = keyed_organisation()
    caseworker = make_keyed_staff(Role.CASEWORKER, organisation)
    admin = make_keyed_staff(Role.ADMIN, organisation)
    partner_organisation, _partner_recovery = keyed_organisation()
    make_keyed_staff(Role.CASEWORKER, partner_organisation)  # holds the partner's team key
    Partnership.objects.create(organisation=organisation, partner=partner_organisation)
    Partnership.objects.create(organisation=partner_organisation, partner=organisation)
    client = signed_in(caseworker)
    client.post(
        reverse("cases:create"),
        {
            "organisation": str(organisation.public_id),
            "full_name": markers["full_name"],
            "other_names": markers["other_names"],
            "contact": markers["contact"],
            "current_location": markers["current_location"],
            "story": markers["story"],
            "priority": "4",
            "risk": "4",
            "origin": "GRV",
            "destination": "BER",
        },
    )
    case = Case.objects.get(organisation=organisation)
    kwargs = {"case_id": case.public_id}
    client.post(reverse("cases:add_note", kwargs=kwargs), {"body": markers["note"]})
    client.post(
        reverse("cases:add_household_member", kwargs=kwargs),
        {"full_name": markers["household_name"], "relationship": markers["relationship"]},
    )
    client.post(
        reverse("cases:transition", kwargs=kwargs),
        {"target": "triaged", "reason": markers["reason"]},
    )
    client.post(reverse("cases:add_member", kwargs=kwargs), {"member": str(admin.user.public_id)})
    client.post(
        reverse("cases:add_task", kwargs=kwargs),
        {"assignee": str(admin.user.public_id), "due_on": "2031-01-01", "text": markers["task"]},
    )
    client.post(
        reverse("cases:upload_document", kwargs=kwargs),
        {
            "document": SimpleUploadedFile(
                markers["document_name"], b"%PDF-1.4\n" + markers["document_content"].encode()
            )
        },
    )
    client.post(
        reverse("cases:refer", kwargs=kwargs),
        {
            "to_organisation": str(partner_organisation.public_id),
            "groups": ["identity"],
            "sender_keeps_access": "on",
            "consent_given_by": markers["consent_given_by"],
            "consent_given_on": "2026-11-20",
            "consent_how": markers["consent_how"],
        },
    )
    reader = signed_in(admin)
    page = reader.get(reverse("cases:detail", kwargs=kwargs)).content.decode()
    page += reader.get(reverse("cases:my_tasks")).content.decode()
    document = CaseDocument.objects.get()
    page += reader.get(
        reverse("cases:download_document", kwargs={"document_id": document.public_id})
    ).content.decode()
    intake_marker = markers["intake_name"]
    missing = [
        name for name, value in markers.items() if value not in page and value != intake_marker
    ]

    keyring = OrganisationKeyring.objects.get(organisation=organisation)
    intake_id = uuid.uuid4()
    do_create_case_from_intake(
        organisation=organisation,
        sealed=seal_intake(
            case_id=str(intake_id),
            values=[
                IntakeValue(
                    group=SensitiveGroup.IDENTITY,
                    context=FieldContext(
                        model="cases.Case", field="identity", row_id=str(intake_id)
                    ),
                    plaintext=('{"full_name": "' + intake_marker + '"}').encode(),
                )
            ],
            team_public_key=PublicKey(raw=bytes(keyring.team_public_key or b"")),
            recovery_public_key=PublicKey(raw=bytes(keyring.recovery_public_key)),
        ),
        workflow=WorkflowFields(priority=4, risk=4),
    )
    client.post(reverse("cases:take", kwargs={"case_id": intake_id}))
    intake_page = client.get(reverse("cases:detail", kwargs={"case_id": intake_id})).content
    if intake_marker not in intake_page.decode():
        missing.append("intake_name")

    private_keys = [caseworker.key_pair.private_key.raw, admin.key_pair.private_key.raw]
    leaked_keys: list[bytes] = []
    if connection.vendor == "sqlite":
        # Snapshot the database file and its WAL while the connection is open.
        database = Path(settings.DATABASES["default"]["NAME"])
        snapshot = Path(os.environ["SAFEPASSAGE_DATA_DIR"]) / "snapshot"
        snapshot.mkdir()
        for suffix in ("", "-wal", "-shm"):
            source = database.with_name(database.name + suffix)
            if source.exists():
                shutil.copy(source, snapshot / source.name)
        connection.close()
        stored = b"".join(path.read_bytes() for path in snapshot.iterdir())
        leaked_keys = [key for key in private_keys if key in stored or key.hex().encode() in stored]
    else:
        # PostgreSQL: the test dumps the database with pg_dump; hand it the keys to look for.
        for key in private_keys:
            sys.stdout.write(f"PRIVATE KEY {key.hex()}\n")
    if missing or leaked_keys:
        sys.stdout.write(f"CANARY SCENARIO FAILED: missing {missing}, keys {len(leaked_keys)}\n")
        return 1
    sys.stdout.write("CANARY SCENARIO DONE\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Demo key material: the demo network's staff get key pairs and one fictional case.

Called once from ``safepassage.demo.seed.seed_demo``. The demo organisation's recovery key is
generated here and its private half thrown away (a demo needs no recovery); every demo
staff member's private key is wrapped under their printed demo password, so signing in
unlocks it as in production.
"""

import datetime
from collections.abc import Iterable
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.cases.actions import CaseDetails, WorkflowFields, do_create_case
from safepassage.cases.document_actions import do_upload_document
from safepassage.cases.document_storage import encrypt_bytes_as_upload
from safepassage.cases.key_actions import (
    do_enrol_staff_keys,
    do_set_organisation_recovery_key,
    do_share_team_keys,
)
from safepassage.cases.task_actions import do_add_task
from safepassage.core.crypto import KeyPair, generate_organisation_recovery_key
from safepassage.organisations.models import Organisation, OrganisationKind

DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
"""A blank one-page PDF: the demo case's fictional letter."""


class Credential(Protocol):
    """What this module reads of ``safepassage.demo.seed.DemoCredential``."""

    @property
    def email(self) -> str: ...

    @property
    def password(self) -> str: ...


def seed_demo_keys(
    *, credentials: Iterable[Credential], organisations: Iterable[Organisation]
) -> None:
    """Give case organisations a recovery key, every demo user a key pair (under their demo
    password), share the team keys, and open one fictional case for the first caseworker, with
    a task and an encrypted document."""
    passwords = {credential.email: credential.password for credential in credentials}
    with transaction.atomic():
        for organisation in organisations:
            if organisation.kind == OrganisationKind.CASE_ORGANISATION:
                do_set_organisation_recovery_key(
                    organisation=organisation,
                    recovery_public_key=generate_organisation_recovery_key().public_key,
                )
        unlocked: list[tuple[User, KeyPair]] = []
        for email, password in passwords.items():
            user = User.objects.get(email=email)
            key_pair, _personal_recovery_key = do_enrol_staff_keys(user=user, password=password)
            unlocked.append((user, key_pair))
        for user, key_pair in unlocked:
            do_share_team_keys(user=user, key_pair=key_pair)
        caseworker = next(
            (
                user
                for user, _ in unlocked
                if user.memberships.filter(
                    role="caseworker", organisation__kind=OrganisationKind.CASE_ORGANISATION
                ).exists()
            ),
            None,
        )
        if caseworker is None:
            return
        membership = caseworker.memberships.select_related("organisation").get(role="caseworker")
        case = do_create_case(
            actor=caseworker,
            organisation=membership.organisation,
            details=CaseDetails(
                full_name="Demo Person (fictional)",
                contact="Demo messenger handle (fictional)",
                current_location="A fictional safe flat",
                story="A fictional request for help, made for the demo.",
            ),
            workflow=WorkflowFields(priority=3, risk=3, origin="GRV", destination="BER"),
        )
        key_pair = dict(unlocked)[caseworker]
        do_add_task(
            actor=caseworker,
            key_pair=key_pair,
            case=case,
            assignee=caseworker,
            due_on=timezone.localdate() + datetime.timedelta(days=3),
            text="Call the fictional consulate about the demo visa appointment.",
        )
        do_upload_document(
            actor=caseworker,
            key_pair=key_pair,
            case=case,
            upload=encrypt_bytes_as_upload(name="demo-letter.pdf", content=DEMO_PDF),
        )

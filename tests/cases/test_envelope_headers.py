"""SR-11: every envelope records its algorithm and key version, and every column sealed under a
case group key is re-sealed by a rotation.

The first test walks every sealed (and key-envelope) field of every app's classification
registry, plus every ``*_envelope`` column of apps without one, over the demo network and a
few extra rows, and reads each stored value's header.
"""

import importlib
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.accounts.roles import Role
from safepassage.cases.actions import do_add_note, do_take_case
from safepassage.cases.case_key_rotation import sealed_columns
from safepassage.cases.models import Case, CaseGroupKey
from safepassage.cases.referral_actions import Consent, do_refer_case
from safepassage.core.crypto import (
    EnvelopeKind,
    KeyPair,
    SensitiveGroup,
    envelope_from_text,
    parse_header,
)
from safepassage.intake.actions import do_read_case_messages
from safepassage.intake.models import Message
from safepassage.organisations.models import Partnership
from safepassage.pathways.actions import do_add_visa_type
from safepassage.pathways.models import Pathway
from tests.cases.factories import keyed_organisation, make_keyed_staff

KEY_FIELDS_THAT_ARE_NOT_ENVELOPES = {
    "cases.CaseGroupKey.recipient_fingerprint",
    "cases.StaffKeyPair.public_key",
    "cases.OrganisationKeyring.recovery_public_key",
    "cases.OrganisationKeyring.team_public_key",
    "intake.Applicant.public_key",
    "intake.Applicant.lookup_id",
    "bookings.Trip.record_public_key",
    "accounts.SecurityKey.credential_id",
    "accounts.SecurityKey.public_key",
    "accounts.User.session_epoch",
}
"""Key material classified ``key`` that is a raw public key, fingerprint or lookup id."""

SEALED_UNDER_ANOTHER_KEY = {
    "intake.Message.applicant_copy": "MESSAGE envelope to the applicant's (and, unfiled, the "
    "people on the case's) own public keys",
    "bookings.BookingRequest.booking_record": "MESSAGE envelope to the trip's record key "
    "(re-sealed with Trip.record_private_key) and the recovery key",
    "bookings.BookingRequest.donor_passengers": "under the key in the donor's link, never stored",
    "pathways.Pathway.notes": "server-held pathway key (SAFEPASSAGE_PATHWAY_KEY)",
    "pathways.VisaType.notes": "server-held pathway key (SAFEPASSAGE_PATHWAY_KEY)",
    "pathways.PathwayContact.details": "server-held pathway key (SAFEPASSAGE_PATHWAY_KEY)",
    "donations.Gift.donor_name_envelope": "server-held donor key (SAFEPASSAGE_DONOR_KEY)",
    "donations.Gift.receipt_email_envelope": "server-held donor key (SAFEPASSAGE_DONOR_KEY)",
    "donations.Pledge.donor_name_envelope": "server-held donor key (SAFEPASSAGE_DONOR_KEY)",
    "donations.Pledge.donor_email_envelope": "server-held donor key (SAFEPASSAGE_DONOR_KEY)",
    "intake.SubmissionReceipt.response": "under a key derived from the applicant's form token, "
    "never stored; erased after 15 minutes (decision 0026)",
    "accounts.SecurityKey.sealed_name": "server-held two-factor key "
    "(SAFEPASSAGE_TWO_FACTOR_KEY, decision 0050)",
    "accounts.User.sealed_display_name": "server-held two-factor key "
    "(SAFEPASSAGE_TWO_FACTOR_KEY, decision 0052)",
}
"""Sensitive columns no case group key seals, so a rotation leaves them alone (and why)."""


EMPTY_AFTER_THE_DEMO = {
    "bookings.BookingRequest.donor_passengers",
    "intake.SubmissionReceipt.response",
    "accounts.SecurityKey.sealed_name",
}
"""Deleted once the demo's booking is recorded (a FIELD envelope, ``bookings.sealing``); the
demo sends no intake form, and a receipt's answer is a bare AEAD value erased within 15
minutes (decision 0026), so it carries no envelope header. The demo registers no security
key (that needs a browser's authenticator): ``tests/accounts/test_two_factor_secrets.py``
reads a key name's FIELD header (decision 0050)."""


def _registries() -> dict[str, dict[str, Any]]:
    registries = {}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.classification")
        except ModuleNotFoundError:
            continue
        registries[config.label] = module.FIELD_CLASSES
    return registries


def _class_of(value: object) -> str:
    return str(value[0] if isinstance(value, tuple) else value)


def _envelope_fields() -> list[tuple[type[models.Model], str]]:
    """(model, field) of every sealed or key-envelope field, registry or ``*_envelope``."""
    found: list[tuple[type[models.Model], str]] = []
    registries = _registries()
    for config in apps.get_app_configs():
        for model in config.get_models():
            classes = registries.get(config.label, {}).get(model.__name__)
            for field in model._meta.concrete_fields:
                name = f"{model._meta.label}.{field.name}"
                if classes is not None and field.name in classes:
                    kind = _class_of(classes[field.name])
                    if kind == "sensitive" or (
                        kind == "key" and name not in KEY_FIELDS_THAT_ARE_NOT_ENVELOPES
                    ):
                        found.append((model, field.name))
                elif field.name.endswith("_envelope"):
                    found.append((model, field.name))
    return found


def test_every_sensitive_column_is_rotated_or_named_as_sealed_under_another_key() -> None:
    rotated = {column.name for column in sealed_columns()}
    sensitive = {
        f"{label}.{model}.{field}"
        for label, registry in _registries().items()
        for model, fields in registry.items()
        for field, value in fields.items()
        if _class_of(value) == "sensitive"
    }

    assert rotated <= sensitive, "a registered column is not classified sensitive"
    assert set(SEALED_UNDER_ANOTHER_KEY) <= sensitive
    assert not rotated & set(SEALED_UNDER_ANOTHER_KEY)
    assert sensitive - rotated == set(SEALED_UNDER_ANOTHER_KEY), (
        "list the new column in its app's case_key_rotation.py, or here with the key that seals it"
    )


def _signed_in_keys(email_start: str) -> tuple[User, KeyPair]:
    from safepassage.cases.key_actions import unlock_staff_keys

    user = User.objects.get(email__startswith=email_start)
    password = _DEMO_PASSWORDS[user.email]
    key_pair = unlock_staff_keys(user=user, password=password)
    assert key_pair is not None
    return user, key_pair


_DEMO_PASSWORDS: dict[str, str] = {}


def _seed_demo_with_every_sealed_column(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo network, plus a note, a referral and a filed applicant message."""
    from safepassage.cases import demo as cases_demo
    from safepassage.demo import seed

    real = cases_demo.seed_demo_keys

    def remember(*, credentials: Any, organisations: Any) -> None:
        _DEMO_PASSWORDS.update({c.email: c.password for c in credentials})
        real(credentials=credentials, organisations=organisations)

    monkeypatch.setattr(seed, "seed_demo_keys", remember)
    call_command("demo", stdout=StringIO())
    caseworker, keys = _signed_in_keys("caseworker@")
    case = Case.objects.filter(members__user=caseworker).order_by("pk").first()
    assert case is not None
    do_add_note(actor=caseworker, key_pair=keys, case=case, body="A demo note (fictional).")
    partner, _recovery = keyed_organisation()
    make_keyed_staff(Role.CASEWORKER, partner)  # the first caseworker makes the team key
    Partnership.objects.create(organisation=case.organisation, partner=partner)
    Partnership.objects.create(organisation=partner, partner=case.organisation)
    do_refer_case(
        actor=caseworker,
        key_pair=keys,
        case=case,
        to_organisation=partner,
        groups=[SensitiveGroup.IDENTITY],
        consent=Consent(given_by="x", given_on=timezone.localdate(), how_obtained="y"),
        sender_keeps_access=True,
        expires_on=None,
    )
    pathway = Pathway.objects.order_by("pk").first()
    assert pathway is not None
    do_add_visa_type(
        actor=caseworker,
        pathway=pathway,
        name="Humanitarian",
        typical_processing_days=30,
        notes="Fictional visa notes.",
    )
    # The demo's intake request: taken, and its applicant message read (so filed).
    message = Message.objects.select_related("case").filter(case_copy__isnull=True).first()
    if message is not None:
        do_take_case(actor=caseworker, key_pair=keys, case=message.case)
        do_read_case_messages(actor=caseworker, key_pair=keys, case=message.case)


@pytest.mark.django_db
def test_every_stored_envelope_records_its_algorithm_and_key_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given the demo network with a value in every sealed column
    _seed_demo_with_every_sealed_column(monkeypatch)
    group_key_versions = {
        (case_id, group, version)
        for case_id, group, version in CaseGroupKey.objects.values_list(
            "case_id", "group", "version"
        )
    }
    columns = {column.name: column for column in sealed_columns()}

    # When every sealed field of every model is read back
    empty: list[str] = []
    for model, field_name in _envelope_fields():
        name = f"{model._meta.label}.{field_name}"
        values = [
            (row, raw)
            for row in model._default_manager.exclude(**{f"{field_name}__isnull": True})
            if (raw := getattr(row, field_name))
        ]
        if not values:
            empty.append(name)
        for row, raw in values:
            envelope = envelope_from_text(raw) if isinstance(raw, str) else bytes(raw)

            # Then its header names a known kind, the one algorithm of that kind, a version
            header = parse_header(envelope)
            assert header.kind in EnvelopeKind, name
            assert header.key_version >= 1, name
            column = columns.get(name)
            if column is not None:
                # and a value under a case group key names a version that case holds
                case_id = row.pk if column.case_lookup == "pk" else row.case_id  # type: ignore[attr-defined]  # case rows
                assert header.kind is EnvelopeKind.FIELD, name
                key = (case_id, column.group_of(row).value, header.key_version)
                assert key in group_key_versions, name

    # and every such field held at least one value to check
    assert set(empty) == EMPTY_AFTER_THE_DEMO, "the demo (or this test) should fill these"

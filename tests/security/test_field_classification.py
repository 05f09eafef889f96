"""SR-01: every column of every installed model, ours and third-party, is classified in code.

The walk reads every model Django knows (many-to-many tables included) and every registry
(``<app>/classification.py`` for our apps, ``site/third_party_classification.py`` for the
others), and fails for a column without a classification, a classification without a
column, or a value outside the vocabulary of ``safepassage.core.classification``. The
checker itself is shown failing on a throwaway model and on broken registries.
"""

import re
from pathlib import Path

from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from safepassage.core import classification
from safepassage.core.classification import (
    SEIZURE_LISTS,
    FieldClass,
    field_kind,
    unclassified_fields,
)
from safepassage.core.crypto import SensitiveGroup
from safepassage.site.field_registry import (
    installed_columns,
    installed_field_kinds,
    installed_registries,
)
from safepassage.site.third_party_classification import (
    ALWAYS_EMPTY,
    THIRD_PARTY_FIELD_CLASSES,
)

PERSONAL_NAME = re.compile(r"e_?mail|phone|display_name|first_name|last_name|user_agent|address")
"""Column names that suggest personal data: such a column may not be ``workflow``/``public``."""


def test_every_column_of_every_installed_model_is_classified() -> None:
    problems = unclassified_fields(columns=installed_columns(), registries=installed_registries())

    assert not problems, "classify in the app's classification.py:\n" + "\n".join(
        map(str, problems)
    )


def test_the_walk_reaches_every_installed_app_with_a_table() -> None:
    # Given every app that owns at least one table
    labels_with_tables = {
        model._meta.app_label for model in apps.get_models(include_auto_created=True)
    }
    classified_labels = {name.split(".")[0] for name in installed_registries()}

    # Then each one is classified: a new package or app cannot slip past the walk
    assert labels_with_tables == classified_labels
    assert {"sessions", "otp_totp", "otp_static", "axes", "django_tasks_database"} <= (
        classified_labels
    )


def test_third_party_registry_names_only_installed_third_party_apps() -> None:
    installed = {config.label: config.name for config in apps.get_app_configs()}

    for label in THIRD_PARTY_FIELD_CLASSES:
        assert label in installed, f"{label} is not installed: remove it"
        assert not installed[label].startswith("safepassage."), label


@isolate_apps("safepassage.site")
def test_a_new_model_with_an_unclassified_column_fails_the_walk() -> None:
    # Given a throwaway model nobody classified, next to the real ones
    class Throwaway(models.Model):
        phone = models.CharField(max_length=40)

        class Meta:
            app_label = "site"

        def __str__(self) -> str:
            return "throwaway"

    columns = installed_columns() | {
        "site.Throwaway": [f.name for f in Throwaway._meta.concrete_fields]
    }

    # When the walk runs
    problems = {
        str(p) for p in unclassified_fields(columns=columns, registries=installed_registries())
    }

    # Then both of its columns are named
    assert problems == {
        "site.Throwaway.id: not classified",
        "site.Throwaway.phone: not classified",
    }


def test_a_broken_registry_fails_the_walk() -> None:
    # Given the real registries with one column forgotten, one made up, one kind outside
    # the vocabulary and one group on a clear column
    registries = {model: dict(fields) for model, fields in installed_registries().items()}
    del registries["accounts.User"]["email"]
    registries["donations.Pledge"]["donor_phone"] = FieldClass.PERSONAL
    registries["ledger.Posting"]["amount"] = "harmless"  # type: ignore[assignment]  # on purpose
    registries["events.Event"]["venue"] = (FieldClass.PUBLIC, SensitiveGroup.LOCATION)

    # When the walk runs
    problems = {
        str(p) for p in unclassified_fields(columns=installed_columns(), registries=registries)
    }

    # Then each is named
    assert problems == {
        "accounts.User.email: not classified",
        "donations.Pledge.donor_phone: classified but no such column",
        "ledger.Posting.amount: 'harmless' is not a valid FieldClass",
        "events.Event.venue: a group on a clear kind",
    }


def test_sealed_columns_are_binary_and_binary_columns_are_sealed_or_keys() -> None:
    kinds = installed_field_kinds()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:  # no table of its own (accounts.Authenticator, decision 0050)
            continue
        name = f"{model._meta.app_label}.{model.__name__}"
        for field in model._meta.concrete_fields:
            kind = kinds[name][field.name].kind
            if kind is FieldClass.SENSITIVE:
                assert isinstance(field, models.BinaryField), (name, field.name)
            if isinstance(field, models.BinaryField) or field.name.endswith("_envelope"):
                assert kind in {FieldClass.SENSITIVE, FieldClass.KEY}, (name, field.name)


def test_a_column_named_like_personal_data_is_not_classified_as_harmless() -> None:
    # A staff e-mail in clear is personal data of staff: it must say so (or be sealed).
    harmless = {FieldClass.WORKFLOW, FieldClass.PUBLIC}
    for model, fields in installed_field_kinds().items():
        for name, kind in fields.items():
            if PERSONAL_NAME.search(name) and f"{model}.{name}" not in ALWAYS_EMPTY:
                assert kind.kind not in harmless, f"{model}.{name} is {kind.kind}"


def test_every_kind_is_documented_and_in_exactly_one_seizure_list() -> None:
    docstring = classification.__doc__ or ""
    seizure = (Path(__file__).resolve().parents[2] / "docs/security/seizure.md").read_text()

    for kind in FieldClass:
        assert f"- ``{kind}``:" in docstring, kind
        assert sum(kind in kinds for kinds in SEIZURE_LISTS.values()) == 1, kind
    for marker in SEIZURE_LISTS:
        assert f"<!-- {marker}:start -->" in seizure, marker


def test_old_style_registry_values_are_read_by_their_text() -> None:
    # travel and transparency write bare kinds, cases and bookings (kind, group) pairs
    assert field_kind(FieldClass.PUBLIC).kind is FieldClass.PUBLIC
    assert field_kind((FieldClass.SENSITIVE, SensitiveGroup.DONOR)).group is SensitiveGroup.DONOR
    assert field_kind("workflow").kind is FieldClass.WORKFLOW

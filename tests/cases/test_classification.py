"""SR-01/SR-02: every field of the cases app is classified; sensitive ones are envelopes."""

from django.apps import apps
from django.db import models

from safepassage.cases.classification import FIELD_CLASSES, FieldClass
from safepassage.cases.sealing import CASE_GROUPS

CLEAR_TYPES = (
    models.AutoField,
    models.BigAutoField,
    models.UUIDField,
    models.ForeignKey,
    models.OneToOneField,
    models.CharField,
    models.PositiveSmallIntegerField,
    models.DateField,
    models.BooleanField,
)


def test_every_field_of_every_cases_model_is_classified() -> None:
    models_by_name = {model.__name__: model for model in apps.get_app_config("cases").get_models()}

    assert sorted(FIELD_CLASSES) == sorted(models_by_name)
    for name, model in models_by_name.items():
        fields = {field.name for field in model._meta.concrete_fields}
        assert fields == set(FIELD_CLASSES[name]), name


def test_sensitive_fields_are_binary_envelopes_and_clear_fields_hold_no_free_text() -> None:
    for name, fields in FIELD_CLASSES.items():
        model = apps.get_model("cases", name)
        for field_name, (field_class, group) in fields.items():
            field = model._meta.get_field(field_name)
            if field_class is FieldClass.SENSITIVE:
                assert isinstance(field, models.BinaryField), (name, field_name)
                assert group is not None
            elif field_class is FieldClass.WORKFLOW:
                # No TextField, no timestamp finer than a day (SR-02).
                assert isinstance(field, CLEAR_TYPES), (name, field_name)
                assert not isinstance(field, models.DateTimeField), (name, field_name)
                if isinstance(field, models.CharField):
                    assert field.max_length is not None
                    assert field.max_length <= 32


def test_the_sealing_groups_of_case_columns_match_the_classification() -> None:
    for column, group in CASE_GROUPS.items():
        assert FIELD_CLASSES["Case"][column] == (FieldClass.SENSITIVE, group)

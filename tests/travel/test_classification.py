"""SR-01/SR-02: every field of the travel app is classified; workflow fields are clear codes,
numbers, references and days, never free text or a timestamp."""

from django.apps import apps
from django.db import models

from safepassage.travel.classification import FIELD_CLASSES, FieldClass

WORKFLOW_TYPES = (
    models.AutoField,
    models.BigAutoField,
    models.UUIDField,
    models.ForeignKey,
    models.CharField,
    models.BooleanField,
    models.PositiveSmallIntegerField,
    models.PositiveIntegerField,
    models.DecimalField,
    models.DateField,
)


def test_every_field_of_every_travel_model_is_classified() -> None:
    # Given every model of the travel app
    models_by_name = {model.__name__: model for model in apps.get_app_config("travel").get_models()}

    # Then each has exactly its fields classified
    assert sorted(FIELD_CLASSES) == sorted(models_by_name)
    for name, model in models_by_name.items():
        fields = {field.name for field in model._meta.concrete_fields}
        assert fields == set(FIELD_CLASSES[name]), name


def test_workflow_fields_hold_no_free_text_and_no_time_finer_than_a_day() -> None:
    for name, fields in FIELD_CLASSES.items():
        model = apps.get_model("travel", name)
        for field_name, field_class in fields.items():
            if field_class is not FieldClass.WORKFLOW:
                continue
            field = model._meta.get_field(field_name)
            assert isinstance(field, WORKFLOW_TYPES), (name, field_name)
            assert not isinstance(field, models.DateTimeField), (name, field_name)
            if isinstance(field, models.CharField):
                assert field.max_length is not None
                assert field.max_length <= 64, (name, field_name)

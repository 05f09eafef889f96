"""SR-01/SR-02: every field of the bookings app is classified; sensitive ones are envelopes."""

from django.apps import apps
from django.db import models

from safepassage.bookings.classification import FIELD_CLASSES, TRANSIENT_TIMES, FieldClass


def test_every_field_of_every_bookings_model_is_classified() -> None:
    found = {model.__name__: model for model in apps.get_app_config("bookings").get_models()}
    assert sorted(FIELD_CLASSES) == sorted(found)
    for name, model in found.items():
        fields = {field.name for field in model._meta.concrete_fields}
        assert fields == set(FIELD_CLASSES[name]), name


def test_sensitive_fields_are_envelopes_and_workflow_fields_hold_no_free_text() -> None:
    for name, fields in FIELD_CLASSES.items():
        model = apps.get_model("bookings", name)
        for field_name, (field_class, group) in fields.items():
            field = model._meta.get_field(field_name)
            if field_class is FieldClass.SENSITIVE:
                assert isinstance(field, models.BinaryField), (name, field_name)
                assert group is not None
            elif field_class is FieldClass.WORKFLOW and (name, field_name) in TRANSIENT_TIMES:
                assert isinstance(field, models.DateTimeField)
                assert field.null
            elif field_class is FieldClass.WORKFLOW:
                assert not isinstance(field, models.TextField | models.DateTimeField), (
                    name,
                    field_name,
                )
                if isinstance(field, models.CharField):
                    assert field.max_length is not None
                    assert field.max_length <= 128, (name, field_name)

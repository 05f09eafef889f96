"""SR-01/SR-02: every field of the pathways app is classified; sensitive ones are envelopes."""

from django.apps import apps
from django.db import models

from safepassage.cases.classification import FieldClass
from safepassage.pathways.classification import FIELD_CLASSES

CLEAR_TYPES = (
    models.AutoField,
    models.BigAutoField,
    models.UUIDField,
    models.ForeignKey,
    models.CharField,
    models.PositiveSmallIntegerField,
    models.PositiveIntegerField,
    models.DateField,
)


def test_every_field_of_every_pathways_model_is_classified() -> None:
    models_by_name = {m.__name__: m for m in apps.get_app_config("pathways").get_models()}

    assert sorted(FIELD_CLASSES) == sorted(models_by_name)
    for name, model in models_by_name.items():
        fields = {field.name for field in model._meta.concrete_fields}
        assert fields == set(FIELD_CLASSES[name]), name


def test_sensitive_fields_are_binary_envelopes_and_clear_fields_hold_no_free_text() -> None:
    for name, fields in FIELD_CLASSES.items():
        model = apps.get_model("pathways", name)
        for field_name, (field_class, group) in fields.items():
            field = model._meta.get_field(field_name)
            if field_class is FieldClass.SENSITIVE:
                assert isinstance(field, models.BinaryField), (name, field_name)
                assert group is not None
            else:
                assert field_class is FieldClass.WORKFLOW
                assert isinstance(field, CLEAR_TYPES), (name, field_name)
                assert not isinstance(field, models.DateTimeField), (name, field_name)
                if isinstance(field, models.CharField):
                    assert field.max_length is not None
                    assert field.max_length <= 32

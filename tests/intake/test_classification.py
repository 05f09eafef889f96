"""SR-01: every field of the intake models is classified; sensitive fields are envelopes."""

from django.apps import apps
from django.db import models

from safepassage.cases.classification import FieldClass
from safepassage.intake.classification import FIELD_CLASSES


def test_every_field_of_every_intake_model_is_classified() -> None:
    for model in apps.get_app_config("intake").get_models():
        names = {field.name for field in model._meta.concrete_fields}
        assert names == set(FIELD_CLASSES[model.__name__]), model.__name__


def test_sensitive_and_key_fields_are_binary_envelopes() -> None:
    for model in apps.get_app_config("intake").get_models():
        for name, (field_class, _group) in FIELD_CLASSES[model.__name__].items():
            if field_class is FieldClass.SENSITIVE:
                assert isinstance(model._meta.get_field(name), models.BinaryField), name

"""SR-01: every field of the transparency app is classified; no field can hold free text."""

from django.apps import apps
from django.db import models

from safepassage.transparency.classification import FIELD_CLASSES


def test_every_field_of_every_transparency_model_is_classified() -> None:
    models_by_name = {m.__name__: m for m in apps.get_app_config("transparency").get_models()}

    assert sorted(FIELD_CLASSES) == sorted(models_by_name)
    for name, model in models_by_name.items():
        fields = {field.name for field in model._meta.concrete_fields}
        assert fields == set(FIELD_CLASSES[name]), name
        assert not any(isinstance(field, models.TextField) for field in model._meta.fields)

"""SR-01: every installed model's columns and every registry's classification of them.

Apps of ours keep ``FIELD_CLASSES`` in ``<app>/classification.py``; third-party apps are
classified in :mod:`safepassage.site.third_party_classification`. Both are read here keyed
by ``"app_label.Model"``, so one test can walk every column of every installed model
(``tests/security/test_field_classification.py``) and the seizure document can be checked
against all of them (SR-03).
"""

import importlib
from collections.abc import Mapping

from django.apps import apps

from safepassage.core.classification import Classification, FieldKind, field_kind
from safepassage.site.third_party_classification import THIRD_PARTY_FIELD_CLASSES


def _app_registry(name: str, label: str) -> Mapping[str, Mapping[str, Classification]]:
    try:
        module = importlib.import_module(f"{name}.classification")
    except ModuleNotFoundError as error:
        if error.name != f"{name}.classification":
            raise
        return THIRD_PARTY_FIELD_CLASSES.get(label, {})
    registry: Mapping[str, Mapping[str, Classification]] = module.FIELD_CLASSES
    return registry


def installed_registries() -> dict[str, Mapping[str, Classification]]:
    """``"app_label.Model"`` → field name → classification, for every installed app."""
    registries: dict[str, Mapping[str, Classification]] = {}
    for config in apps.get_app_configs():
        for model, fields in _app_registry(config.name, config.label).items():
            registries[f"{config.label}.{model}"] = fields
    return registries


def installed_columns() -> dict[str, list[str]]:
    """``"app_label.Model"`` → its column fields, for every installed model (many-to-many
    tables included; a proxy model has no table of its own: its columns are its base's)."""
    return {
        f"{model._meta.app_label}.{model.__name__}": [
            field.name for field in model._meta.concrete_fields
        ]
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy
    }


def installed_field_kinds() -> dict[str, dict[str, FieldKind]]:
    """``"app_label.Model"`` → field name → kind and group, for every registry."""
    return {
        model: {name: field_kind(value) for name, value in fields.items()}
        for model, fields in installed_registries().items()
    }

"""SR-03: the "database copy" lists of ``docs/security/seizure.md`` are exactly the fields of
every classification registry (SR-01), our apps' and the third-party tables', list by list:
clear non-identifying fields, personal data in clear, credentials in clear, digests, and
sealed fields or key material (``core.classification.SEIZURE_LISTS``).

A field added, removed or reclassified anywhere fails this test until the document says so;
the failure prints the lines to paste.
"""

import re
from pathlib import Path

import pytest
from django.apps import apps

from safepassage.core.classification import SEIZURE_LISTS, FieldClass
from safepassage.site.field_registry import installed_field_kinds

SEIZURE = Path(__file__).resolve().parents[2] / "docs" / "security" / "seizure.md"
LINE = re.compile(r"^- `(?P<model>[a-z_]+\.[A-Za-z_]+)`: (?P<fields>.+)$")


def registry_fields(kinds: frozenset[FieldClass]) -> dict[str, list[str]]:
    """``app_label.Model`` → its fields of ``kinds``, in registry order, for every registry."""
    found: dict[str, list[str]] = {}
    for model, fields in installed_field_kinds().items():
        names = [name for name, kind in fields.items() if kind.kind in kinds]
        if names:
            found[model] = names
    return found


def registry_clear_fields() -> dict[str, list[str]]:
    return registry_fields(SEIZURE_LISTS["clear-fields"])


def documented_fields(marker: str, text: str | None = None) -> dict[str, list[str]]:
    text = SEIZURE.read_text(encoding="utf-8") if text is None else text
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    block = text[text.index(start) + len(start) : text.index(end)]
    documented: dict[str, list[str]] = {}
    for line in block.strip().splitlines():
        match = LINE.match(line.strip())
        assert match, f"not a field line: {line!r}"
        documented[match["model"]] = [name.strip() for name in match["fields"].split(",")]
    return documented


def expected_block(marker: str) -> str:
    return "\n".join(
        f"- `{model}`: {', '.join(fields)}"
        for model, fields in sorted(registry_fields(SEIZURE_LISTS[marker]).items())
    )


def _as_sets(fields: dict[str, list[str]]) -> dict[str, set[str]]:
    return {model: set(names) for model, names in fields.items()}


def test_the_database_copy_list_equals_the_clear_fields_of_the_registries() -> None:
    documented = _as_sets(documented_fields("clear-fields"))
    registry = _as_sets(registry_clear_fields())

    assert documented == registry, f"paste between the markers:\n{expected_block('clear-fields')}"


@pytest.mark.parametrize("marker", [m for m in SEIZURE_LISTS if m != "clear-fields"])
def test_each_other_database_copy_list_equals_its_kinds_in_the_registries(marker: str) -> None:
    documented = _as_sets(documented_fields(marker))
    registry = _as_sets(registry_fields(SEIZURE_LISTS[marker]))

    assert documented == registry, f"paste between the {marker} markers:\n{expected_block(marker)}"


def test_a_field_missing_from_the_document_fails_the_comparison() -> None:
    # Given the document with one personal field left out
    line = "- `accounts.User`: email\n"
    text = SEIZURE.read_text(encoding="utf-8")
    assert line in text
    text = text.replace(line, "")

    # Then the list no longer equals the registry
    assert _as_sets(documented_fields("personal-fields", text)) != _as_sets(
        registry_fields(SEIZURE_LISTS["personal-fields"])
    )


def test_every_registry_classifies_its_whole_app() -> None:
    # The lists are only complete if the registries cover every model of every installed
    # app (the column-by-column walk is tests/security/test_field_classification.py).
    classified = set(installed_field_kinds())
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:  # no table of its own: its base's registry covers it
            continue
        assert f"{model._meta.app_label}.{model.__name__}" in classified, model._meta.label

"""SR-03: the "database copy" list of ``docs/security/seizure.md`` is exactly the clear
(``workflow`` or ``public``) fields of every classification registry (SR-01).

Each installed app with a ``classification`` module contributes its ``FIELD_CLASSES``. A
field added, removed or reclassified anywhere fails this test until the document says so;
the failure prints the lines to paste.
"""

import importlib
import re
from pathlib import Path

from django.apps import apps

SEIZURE = Path(__file__).resolve().parents[2] / "docs" / "security" / "seizure.md"
START, END = "<!-- clear-fields:start -->", "<!-- clear-fields:end -->"
CLEAR = {"workflow", "public"}
LINE = re.compile(r"^- `(?P<model>[a-z_]+\.[A-Za-z]+)`: (?P<fields>.+)$")


def registry_clear_fields() -> dict[str, list[str]]:
    """``app_label.Model`` → its clear fields, in registry order, for every registry."""
    clear: dict[str, list[str]] = {}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.classification")
        except ModuleNotFoundError:
            continue
        for model, fields in module.FIELD_CLASSES.items():
            names = [
                name
                for name, value in fields.items()
                if str(value[0] if isinstance(value, tuple) else value) in CLEAR
            ]
            if names:
                clear[f"{config.label}.{model}"] = names
    return clear


def documented_clear_fields() -> dict[str, list[str]]:
    text = SEIZURE.read_text(encoding="utf-8")
    block = text[text.index(START) + len(START) : text.index(END)]
    documented: dict[str, list[str]] = {}
    for line in block.strip().splitlines():
        match = LINE.match(line.strip())
        assert match, f"not a field line: {line!r}"
        documented[match["model"]] = [name.strip() for name in match["fields"].split(",")]
    return documented


def expected_block() -> str:
    return "\n".join(
        f"- `{model}`: {', '.join(fields)}"
        for model, fields in sorted(registry_clear_fields().items())
    )


def test_the_database_copy_list_equals_the_clear_fields_of_the_registries() -> None:
    documented = {model: set(fields) for model, fields in documented_clear_fields().items()}
    registry = {model: set(fields) for model, fields in registry_clear_fields().items()}

    assert documented == registry, f"paste between the markers:\n{expected_block()}"


def test_every_registry_classifies_its_whole_app() -> None:
    # The list is only complete if each registry covers every model of its app.
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.classification")
        except ModuleNotFoundError:
            continue
        models = {model.__name__ for model in config.get_models()}
        assert models <= set(module.FIELD_CLASSES), config.label

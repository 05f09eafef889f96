"""Every date field drawn as a browser date picker keeps its value in Russian.

A browser's <input type="date"> takes only "2027-02-23". Django writes a date in the active
language's first input format, which in Russian is "23.02.2027": the browser then shows an
empty field, so a Russian page lost a campaign's end day, a sponsor match's last day or a
fact's date when saved, and asked a donor to type the expiry of their pledge again.
"""

import datetime
import importlib
import inspect
import pkgutil
from collections.abc import Iterator

import pytest
from django import forms
from django.utils import translation

import safepassage

DAY = datetime.date(2027, 2, 23)


def _date_pickers() -> Iterator[tuple[str, forms.Widget]]:
    for module_info in pkgutil.walk_packages(safepassage.__path__, "safepassage."):
        if not module_info.name.endswith("forms"):
            continue
        module = importlib.import_module(module_info.name)
        for name, form_class in inspect.getmembers(module, inspect.isclass):
            if (
                not issubclass(form_class, forms.BaseForm)
                or form_class.__module__ != module.__name__
            ):
                continue
            for field_name, field in getattr(form_class, "base_fields", {}).items():
                widget = field.widget
                if isinstance(widget, forms.DateInput) and (
                    widget.input_type == "date" or widget.attrs.get("type") == "date"
                ):
                    yield f"{module.__name__}.{name}.{field_name}", widget


PICKERS = list(_date_pickers())


def test_the_project_has_date_pickers_to_check() -> None:
    assert len(PICKERS) >= 10


@pytest.mark.parametrize(("where", "widget"), PICKERS, ids=[where for where, _ in PICKERS])
def test_a_date_picker_is_filled_in_with_an_iso_date_in_russian(
    where: str, widget: forms.Widget
) -> None:
    with translation.override("ru"):
        html = widget.render("day", DAY)

    assert 'value="2027-02-23"' in html, where

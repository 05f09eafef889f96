"""Russian has four plural forms in our catalogues (one, few, many, and the fraction form
gettext's rule gives 1.5): a plural message with any form left empty shows the English text
for the numbers that pick that form, and the catalogue test's "untranslated" check does not
see it (babel gives a plural's translation as a tuple, which is never empty)."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from safepassage.site.translations import translation_catalogues

RUSSIAN_PLURAL_FORMS = 4


def _complete(forms: str | tuple[str, ...] | list[str] | None) -> bool:
    return (
        isinstance(forms, tuple | list)
        and len(forms) == RUSSIAN_PLURAL_FORMS
        and all(form.strip() for form in forms)
    )


@pytest.mark.parametrize(
    "po_path", translation_catalogues(), ids=lambda path: str(path.parent.parent.parent.parent.name)
)
def test_every_plural_message_has_all_four_russian_forms(po_path: Path) -> None:
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=po_path.parts[-3])

    assert catalog.num_plurals == RUSSIAN_PLURAL_FORMS
    incomplete = [
        message.id[0]
        for message in catalog
        if isinstance(message.id, tuple | list) and not _complete(message.string)
    ]
    assert incomplete == []

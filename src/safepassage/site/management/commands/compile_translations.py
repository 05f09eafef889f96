"""``safepassage compile_translations``: build the .mo files from the project's .po files.

Uses Babel, so no GNU gettext is needed on the machine (``makemessages``, for
developers, still needs it). Compiles the project catalogue and each app's own
``<app>/locale`` catalogue (see :func:`safepassage.site.translations.translation_catalogues`).
"""

from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.core.management.base import BaseCommand, CommandError

from safepassage.site.translations import translation_catalogues


class Command(BaseCommand):
    help = "Compile the project's translation catalogues (.po) to .mo files."

    def handle(self, *args: Any, **options: Any) -> None:
        compiled = 0
        for po_path in translation_catalogues():
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, locale=po_path.parts[-3])
            errors = [(message.id, error) for message, error in catalog.check() if error]
            if errors:
                raise CommandError(f"{po_path}: {errors[0]}")
            with po_path.with_suffix(".mo").open("wb") as mo_file:
                write_mo(mo_file, catalog)
            compiled += 1
        self.stdout.write(f"Compiled {compiled} translation catalogue(s).")

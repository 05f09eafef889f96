"""Where the translation catalogues live.

The project catalogue is ``safepassage/locale``; an app may keep its own strings in
``safepassage/<app>/locale`` (Django finds app catalogues by itself), so teams working on
different apps never edit the same .po file.
"""

from pathlib import Path

import safepassage

PACKAGE_DIR = Path(safepassage.__file__).resolve().parent


def translation_catalogues() -> list[Path]:
    """Every .po file of the project and of its apps, in a stable order."""
    project = PACKAGE_DIR.glob("locale/*/LC_MESSAGES/*.po")
    apps = PACKAGE_DIR.glob("*/locale/*/LC_MESSAGES/*.po")
    return sorted({*project, *apps})

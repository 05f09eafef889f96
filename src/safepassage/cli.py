"""The ``safepassage`` console command.

Every Django management command is available under its own name (``safepassage
demo``, ``safepassage runserver``, ``safepassage audit verify``); dashes and
underscores are interchangeable in the command name (``import-routes``).
``safepassage allocate`` runs the framework-free allocator without loading Django.
"""

import os
import sys

FRAMEWORK_FREE_COMMANDS = {"allocate"}


def main(argv: list[str] | None = None) -> int:
    """Run one SafePassage command and return its exit code."""
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1:
        args[1] = args[1].replace("-", "_")
    if len(args) > 1 and args[1] in FRAMEWORK_FREE_COMMANDS:
        from safepassage.allocation_command import main as allocate

        return int(allocate(args[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safepassage.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``safepassage shred_list export|apply`` (SR-12): keep shredding after a backup restore.

``export`` prints the codes of every shredded case, one per line; keep that file outside
the backups (it names no person). After restoring a backup, ``apply FILE`` shreds again
every case of the restored database whose code is in the file.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from safepassage.cases.retention_actions import do_reapply_shred_list, shred_list


class Command(BaseCommand):
    help = "Export the list of shredded case codes, or shred them again after a restore."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("export", help="print every shredded case code")
        apply = actions.add_parser("apply", help="shred again the cases listed in FILE")
        apply.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            for code in shred_list():
                self.stdout.write(code)
            return
        codes = [
            line.strip()
            for line in options["file"].read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        shredded = do_reapply_shred_list(codes=codes)
        self.stdout.write(f"{shredded} restored cases shredded again.")

"""``safepassage shred_list export|apply`` (SR-12): keep shredding after a backup restore.

``export`` prints the codes of every shredded case, one per line; keep that file outside
the backups (it names no person) and export it again after every shredding. After
restoring a backup, and before anyone signs in, ``apply FILE`` shreds again every case of
the restored database whose code is in the file (keys, sealed values, rows of other apps,
document files), deletes every encrypted file that no document row points at (files of
cases shredded after the documents backup was taken), and says how old the restored data
is: a backup older than ``MAX_BACKUP_AGE`` should not have existed.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from safepassage.cases.retention_actions import (
    MAX_BACKUP_AGE,
    ORPHAN_AGE,
    do_reapply_shred_list,
    remove_orphan_document_files,
    restored_data_age,
    shred_list,
)


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
        age = restored_data_age()
        shredded = do_reapply_shred_list(codes=codes)
        # Nobody is signed in yet, so no upload is in progress: every orphan can go now.
        files = remove_orphan_document_files(now=timezone.now() + ORPHAN_AGE)
        self.stdout.write(f"{shredded} restored cases shredded again.")
        self.stdout.write(f"{files} encrypted files of no document removed.")
        if age is not None:
            self.stdout.write(f"The restored data is {age.days} days old.")
            if age > MAX_BACKUP_AGE:
                self.stdout.write(
                    self.style.WARNING(
                        f"This backup is older than the maximum age ({MAX_BACKUP_AGE.days} "
                        "days). Cases shredded since then are back unless their codes are in "
                        "the list: check that the list is the newest export, and delete "
                        "backups older than the maximum age."
                    )
                )

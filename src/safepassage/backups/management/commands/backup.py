"""``safepassage backup --recipient PUBLIC_KEY_FILE -o FILE`` (SR-36).

Writes one encrypted file holding a consistent snapshot of the database and the
``documents`` and ``media`` folders, readable only with the offline private key
(``safepassage backup-key new``). Safe while the site runs. ``-o -`` writes the same file
to standard output and nothing else (the report goes to standard error), to pipe it to
another machine or a remote store; a failure exits non-zero and leaves a stream that
``restore`` refuses as cut short. A file is written as ``FILE.partial`` and renamed once
complete, readable by its owner only.
"""

import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.backups.actions import do_create_backup
from safepassage.core.backup_archive import BackupError, parse_backup_public_key


class Command(BaseCommand):
    help = (
        "Write an encrypted backup of the database and the data folders, to the offline "
        "recipient's public key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--recipient",
            required=True,
            type=Path,
            help="file holding the recipient's public key (SPBACKUP-PUB-...)",
        )
        parser.add_argument(
            "-o", "--output", required=True, help="the backup file to write, or - for stdout"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            recipient = parse_backup_public_key(options["recipient"].read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"cannot read the recipient key: {error.strerror}") from None
        except BackupError as error:
            raise CommandError(str(error)) from None
        output = options["output"]
        if output == "-" and sys.stdout.isatty():
            raise CommandError(
                "refusing to write a backup to a terminal: pipe it to another command "
                "(-o - | ...) or give a file (-o FILE)"
            )
        try:
            if output == "-":
                header = do_create_backup(out=sys.stdout.buffer, recipient=recipient)
                report = self.stderr
            else:
                target = Path(output)
                partial = target.with_name(target.name + ".partial")
                descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                try:
                    with os.fdopen(descriptor, "wb") as out:
                        header = do_create_backup(out=out, recipient=recipient)
                        out.flush()
                        os.fsync(out.fileno())
                except BaseException:
                    partial.unlink(missing_ok=True)
                    raise
                partial.replace(target)
                report = self.stdout
        except OSError as error:
            raise CommandError(f"cannot write the backup: {error.strerror}") from None
        except BackupError as error:
            raise CommandError(str(error)) from None
        report.write(
            f"Backup {header.backup_id} written ({header.database_engine} database "
            f"{header.database_bytes} bytes, {header.file_count} files "
            f"{header.file_bytes} bytes), encrypted to key {header.recipient}."
        )

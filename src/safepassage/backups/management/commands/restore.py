"""``safepassage restore FILE --identity PRIVATE_KEY_FILE [--force] [--shred-list FILE]``.

Stop the web server and the worker first. The whole backup is decrypted and
authenticated into a private staging folder before anything is replaced: a changed,
truncated or foreign file, or the wrong key, is refused and nothing changes. An
installation that already holds data (any table, any document or media file) is only
replaced with ``--force``. Afterwards the schema is migrated to this installation's version,
``backup.restored`` is audited and, with ``--shred-list``, every case shredded since the
backup is shredded again (SR-12; ``safepassage shred_list apply``). ``--check`` only
decrypts and authenticates the file, changing nothing: a restore test that needs no
scratch installation.
"""

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.backups.actions import (
    MAX_BACKUP_AGE,
    RestoreResult,
    do_restore_backup,
    verify_backup,
)
from safepassage.core.backup_archive import BackupError, parse_backup_private_key


class Command(BaseCommand):
    help = "Restore an encrypted backup (database and data folders) with the offline key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the backup file")
        parser.add_argument(
            "--identity",
            required=True,
            type=Path,
            help="file holding the private key (SPBACKUP-KEY-...) the backup was encrypted to",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database and data folders that already hold data",
        )
        parser.add_argument(
            "--shred-list",
            type=Path,
            help="the newest 'shred_list export': shred again every case it lists",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="only decrypt and authenticate the backup; change nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        shred_list: Path | None = options["shred_list"]
        if shred_list is not None and not shred_list.is_file():
            raise CommandError(f"the shred list {shred_list} does not exist")
        try:
            identity = parse_backup_private_key(options["identity"].read_text(encoding="utf-8"))
            with options["file"].open("rb") as source:
                if options["check"]:
                    result = verify_backup(source=source, identity=identity)
                else:
                    result = do_restore_backup(
                        source=source, identity=identity, force=options["force"]
                    )
        except OSError as error:
            raise CommandError(f"cannot read {error.filename}: {error.strerror}") from None
        except BackupError as error:
            raise CommandError(str(error)) from None
        self._report(result, checked=options["check"])
        if shred_list is not None and not options["check"]:
            call_command("shred_list", "apply", str(shred_list), stdout=self.stdout)
        elif not options["check"]:
            self.stdout.write(
                self.style.WARNING(
                    "No --shred-list given: cases shredded since this backup are back. Run "
                    "'safepassage shred_list apply FILE' with the newest list before anyone "
                    "signs in."
                )
            )

    def _report(self, result: RestoreResult, *, checked: bool) -> None:
        header = result.header
        verb = "authenticated, nothing changed" if checked else "restored"
        self.stdout.write(
            f"Backup {header.backup_id} of {header.created} {verb}: {header.database_engine} "
            f"database {header.database_bytes} bytes, {result.files} files."
        )
        self.stdout.write(f"The backup is {result.age.days} days old.")
        if result.age > MAX_BACKUP_AGE:
            self.stdout.write(
                self.style.WARNING(
                    f"This backup is older than the maximum age ({MAX_BACKUP_AGE.days} days): "
                    "it still holds the keys of cases shredded since, and of colleagues "
                    "removed since. Use a newer one if you have it, and delete it afterwards."
                )
            )

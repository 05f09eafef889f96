"""``safepassage backup-key new --public-key FILE [--private-key FILE]`` (SR-36).

Makes the key pair backups are encrypted to. Run it on an offline machine with the same
installation (it needs no database). The public key file goes to the server; the private
key is written to ``--private-key`` (readable by its owner only, never overwritten) or,
without it, printed once to be written down or printed, and kept offline with the
organisation recovery sheets. ``backup-key show --identity FILE`` prints the public key and
fingerprint of a private key (to recreate a lost public key file).
"""

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.core.backup_archive import (
    BackupError,
    generate_backup_key,
    parse_backup_private_key,
)


def _write_new(path: Path, text: str, mode: int) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)


class Command(BaseCommand):
    help = "Make the offline key pair backups are encrypted to, or show a key's public half."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        new = actions.add_parser("new", help="make a new key pair")
        new.add_argument(
            "--public-key", required=True, type=Path, help="file to write the public key to"
        )
        new.add_argument(
            "--private-key",
            type=Path,
            help="file to write the private key to (default: print it once)",
        )
        show = actions.add_parser("show", help="print the public key of a private key")
        show.add_argument("--identity", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "show":
            try:
                key = parse_backup_private_key(options["identity"].read_text(encoding="utf-8"))
            except OSError as error:
                raise CommandError(f"cannot read the key: {error.strerror}") from None
            except BackupError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(key.public_key.text())
            self.stdout.write(f"fingerprint {key.public_key.fingerprint}")
            return
        key = generate_backup_key()
        public = key.public_key
        comment = "# SafePassage backup "
        try:
            if options["private_key"] is not None:
                _write_new(
                    options["private_key"],
                    f"{comment}private key: keep offline, never on the server\n{key.text()}\n",
                    0o600,
                )
            _write_new(
                options["public_key"],
                f"{comment}public key (fingerprint {public.fingerprint})\n{public.text()}\n",
                0o644,
            )
        except FileExistsError as error:
            raise CommandError(f"{error.filename} exists; refusing to overwrite a key") from None
        except OSError as error:
            raise CommandError(f"cannot write {error.filename}: {error.strerror}") from None
        self.stdout.write(f"Public key written to {options['public_key']}: copy it to the server.")
        if options["private_key"] is None:
            self.stdout.write(
                "Private key (shown once; write it down or print it, keep it offline):"
            )
            self.stdout.write(key.text())
        else:
            self.stdout.write(
                f"Private key written to {options['private_key']}: move it offline "
                "and delete it from this machine."
            )
        self.stdout.write(f"Key fingerprint: {public.fingerprint}")

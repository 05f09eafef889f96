"""``safepassage backup-key new --public-key FILE [--private-key FILE]`` (SR-36).

Makes the key pair backups are encrypted to. Run it on an offline machine with the same
installation (it needs no database). The public key file goes to the server; the private
key is written to ``--private-key`` (readable by its owner only, never overwritten) or,
without it, printed once to be written down or printed, and kept offline with the
organisation recovery sheets. ``backup-key show --identity FILE`` prints the public key and
fingerprint of a private key (to recreate a lost public key file).

``backup-key split --identity FILE --shares N --threshold K [--output-dir DIR]`` splits the
private key into N trustee shares, any K of which rebuild it
(``safepassage.core.backup_shares``); ``backup-key combine SHARE|FILE|- ... [--private-key
FILE]`` rebuilds it from K shares typed as arguments, in files or on standard input (one per
line), and checks it against the shares' fingerprint. Both run offline.
"""

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.core.backup_archive import (
    BackupError,
    BackupPrivateKey,
    generate_backup_key,
    parse_backup_private_key,
)
from safepassage.core.backup_shares import (
    SHARE_PREFIX,
    BackupKeyShare,
    BackupShareError,
    combine_backup_shares,
    parse_backup_share,
    split_backup_key,
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
        split = actions.add_parser(
            "split", help="split the private key into trustee shares (any K of N rebuild it)"
        )
        split.add_argument("--identity", required=True, type=Path, help="the private key file")
        split.add_argument("--shares", required=True, type=int, help="N: shares to make")
        split.add_argument(
            "--threshold", required=True, type=int, help="K: shares needed to rebuild the key"
        )
        split.add_argument(
            "--output-dir",
            type=Path,
            help="write each share to its own file there (default: print them)",
        )
        combine = actions.add_parser("combine", help="rebuild the private key from trustee shares")
        combine.add_argument(
            "shares",
            nargs="*",
            help="shares (SPBS-...), files holding shares, or - for standard input "
            "(the default): one share per line",
        )
        combine.add_argument(
            "--private-key",
            type=Path,
            help="file to write the rebuilt private key to (default: print it)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "split":
            self._split(**options)
            return
        if options["action"] == "combine":
            self._combine(**options)
            return
        if options["action"] == "show":
            key = _read_identity(options["identity"])
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

    def _split(self, **options: Any) -> None:
        key = _read_identity(options["identity"])
        try:
            shares = split_backup_key(
                key=key, share_count=options["shares"], threshold=options["threshold"]
            )
            # A split that would not rebuild the key is never handed out.
            for chosen in (shares[: shares[0].threshold], shares[-shares[0].threshold :]):
                if combine_backup_shares(chosen).raw != key.raw:  # pragma: no cover
                    raise CommandError("the shares do not rebuild the key; nothing written")
        except BackupShareError as error:
            raise CommandError(str(error)) from None
        fingerprint = key.public_key.fingerprint
        threshold, count = options["threshold"], options["shares"]
        directory: Path | None = options["output_dir"]
        if directory is None:
            self.stdout.write(
                f"Backup key {fingerprint}: {count} trustee shares, any {threshold} of them "
                "rebuild the private key (fewer say nothing about it). Give each trustee one "
                "share; keep none together with another."
            )
            for share in shares:
                self.stdout.write(f"\n{_label(share, count=count)}\n{share.text()}")
            return
        written: list[Path] = []
        try:
            directory.mkdir(parents=True, exist_ok=True)
            for share in shares:
                path = directory / f"backup-key-{fingerprint}-share-{share.number}-of-{count}.txt"
                _write_new(path, f"# {_label(share, count=count)}\n{share.text()}\n", 0o600)
                written.append(path)
        except OSError as error:
            for path in written:  # never leave part of a split behind
                path.unlink(missing_ok=True)
            if isinstance(error, FileExistsError):
                raise CommandError(
                    f"{error.filename} exists; refusing to overwrite a share"
                ) from None
            raise CommandError(f"cannot write {error.filename}: {error.strerror}") from None
        self.stdout.write(
            f"{count} shares of backup key {fingerprint} written to {directory} (any "
            f"{threshold} rebuild it). Print or copy each for its trustee, then delete them "
            "from this machine."
        )

    def _combine(self, **options: Any) -> None:
        sources = options["shares"] or ["-"]
        if "-" in sources and sys.stdin.isatty():
            self.stderr.write(
                "Type or paste one share per line (SPBS-...), then press Ctrl-D on an empty line."
            )
        try:
            shares = list(_read_shares(sources, stdin=sys.stdin))
            key = combine_backup_shares(shares)
        except BackupShareError as error:
            raise CommandError(str(error)) from None
        fingerprint = key.public_key.fingerprint
        if options["private_key"] is None:
            self.stdout.write(f"Private key rebuilt (fingerprint {fingerprint}):")
            self.stdout.write(key.text())
            return
        try:
            _write_new(
                options["private_key"],
                "# SafePassage backup private key, rebuilt from trustee shares: delete it "
                f"after use\n{key.text()}\n",
                0o600,
            )
        except FileExistsError as error:
            raise CommandError(f"{error.filename} exists; refusing to overwrite a key") from None
        except OSError as error:
            raise CommandError(f"cannot write {error.filename}: {error.strerror}") from None
        self.stdout.write(
            f"Private key {fingerprint} rebuilt from {len(shares)} shares and written to "
            f"{options['private_key']}: restore with it, then delete it."
        )


def _read_identity(path: Path) -> BackupPrivateKey:
    try:
        return parse_backup_private_key(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CommandError(f"cannot read the key: {error.strerror}") from None
    except BackupError as error:
        raise CommandError(str(error)) from None


def _label(share: BackupKeyShare, *, count: int) -> str:
    return (
        f"SafePassage backup key {share.fingerprint}, trustee share {share.number} of {count} "
        f"(any {share.threshold} rebuild the key):"
    )


def _share_lines(stream: TextIO) -> Iterator[str]:
    for line in stream:
        stripped = line.strip()
        if stripped.upper().startswith(SHARE_PREFIX + "-") or stripped.upper().startswith(
            SHARE_PREFIX + " "
        ):
            yield stripped


def _read_shares(sources: list[str], *, stdin: TextIO) -> Iterator[BackupKeyShare]:
    """Shares from the arguments: a share (its groups may come as separate arguments, as
    when typed with spaces), a file of shares, or ``-`` for standard input."""
    texts: list[tuple[str, str]] = []  # (where it came from, text)
    for position, source in enumerate(sources, start=1):
        if source == "-":
            texts += [
                (f"standard input, share {n}", t)
                for n, t in enumerate(_share_lines(stdin), start=1)
            ]
        elif source.upper().startswith(SHARE_PREFIX):
            texts.append((f"argument {position}", source))
        elif Path(source).is_file():
            try:
                with Path(source).open(encoding="utf-8") as stream:
                    found = list(_share_lines(stream))
            except (OSError, UnicodeDecodeError) as error:
                msg = f"cannot read {source}: {error}"
                raise BackupShareError(msg) from None
            if not found:
                msg = f"{source} holds no share (a line starting with {SHARE_PREFIX}-)"
                raise BackupShareError(msg)
            texts += [(f"{source}, share {n}", t) for n, t in enumerate(found, start=1)]
        elif texts and texts[-1][0].startswith("argument"):
            where, text = texts[-1]
            texts[-1] = (where, f"{text} {source}")
        else:
            msg = f"argument {position} is neither a share ({SHARE_PREFIX}-...) nor a file"
            raise BackupShareError(msg)
    for where, text in texts:
        try:
            yield parse_backup_share(text)
        except BackupShareError as error:
            msg = f"{where}: {error}"
            raise BackupShareError(msg) from None

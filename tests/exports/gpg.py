"""Open encrypted exports with the real GnuPG (``/usr/bin/gpg``), as a recipient would."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

GPG = "/usr/bin/gpg"


@dataclass(frozen=True)
class Decrypted:
    returncode: int
    plaintext: bytes
    messages: str


def gpg_decrypt(message: bytes, *, passphrase: str) -> Decrypted:
    """``gpg --decrypt`` of ``message`` with ``passphrase`` in a throwaway home folder.

    No symmetric key cache, so a wrong passphrase is never rescued by an earlier right one.
    """
    home = Path(tempfile.mkdtemp(prefix="sp-gpg-"))
    try:
        home.chmod(0o700)
        source = home / "export.gpg"
        source.write_bytes(message)
        completed = subprocess.run(  # a fixed program and our own arguments
            [
                GPG,
                "--batch",
                "--no-tty",
                "--homedir",
                str(home),
                "--no-symkey-cache",
                "--pinentry-mode",
                "loopback",
                "--passphrase-fd",
                "0",
                "--decrypt",
                str(source),
            ],
            input=passphrase.encode("utf-8"),
            capture_output=True,
            check=False,
            timeout=120,
        )
        return Decrypted(
            returncode=completed.returncode,
            plaintext=completed.stdout,
            messages=completed.stderr.decode("utf-8", "replace"),
        )
    finally:
        subprocess.run(  # ends only the agent of this throwaway home, if any
            ["/usr/bin/gpgconf", "--homedir", str(home), "--kill", "gpg-agent"],
            capture_output=True,
            check=False,
            timeout=30,
        )
        shutil.rmtree(home, ignore_errors=True)


def open_export(message: bytes, *, passphrase: str) -> bytes:
    """The plaintext of an export; fails the test when gpg does not open it."""
    decrypted = gpg_decrypt(message, passphrase=passphrase)
    assert decrypted.returncode == 0, decrypted.messages
    return decrypted.plaintext

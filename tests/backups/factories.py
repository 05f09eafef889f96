"""Backup keys and files for the backup tests."""

from pathlib import Path

from safepassage.core.backup_archive import BackupPrivateKey, generate_backup_key


def key_files(directory: Path) -> tuple[BackupPrivateKey, Path, Path]:
    """A new backup key pair written as ``backup-key new`` writes it: (key, public, private)."""
    key = generate_backup_key()
    public = directory / "backup.pub"
    private = directory / "backup.key"
    public.write_text(f"# public key\n{key.public_key.text()}\n", encoding="utf-8")
    private.write_text(f"# private key\n{key.text()}\n", encoding="utf-8")
    return key, public, private

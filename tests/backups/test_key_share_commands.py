"""``safepassage backup-key split`` and ``combine``: the recovery drill of the operator guide
(split the backup key among trustees, rebuild it from some of them, restore) and the
refusals that leave no key behind."""

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pytest_django import Settings

from safepassage.core.backup_archive import BackupPrivateKey, parse_backup_private_key
from safepassage.core.backup_shares import parse_backup_share
from tests.backups.factories import key_files

REPOSITORY = Path(__file__).resolve().parents[2]


def _output(*args: str) -> str:
    out = io.StringIO()
    call_command("backup_key", *args, stdout=out)
    return out.getvalue()


def _backup_with_split_key(
    tmp_path: Path, *, shares: int, threshold: int
) -> tuple[BackupPrivateKey, Path, Path, list[Path]]:
    """A backup of the site encrypted to a new key, and that key split into share files:
    (the key, its private key file, the backup, the share files in order)."""
    key, public, private = key_files(tmp_path)
    backup = tmp_path / "site.spb"
    call_command("backup", "--recipient", str(public), "-o", str(backup), stdout=io.StringIO())
    folder = tmp_path / "shares"
    _output(
        "split",
        "--identity",
        str(private),
        "--shares",
        str(shares),
        "--threshold",
        str(threshold),
        "--output-dir",
        str(folder),
    )
    return key, private, backup, sorted(folder.iterdir())


def _share_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("SPBS-")]


def test_split_prints_each_share_with_its_number_and_threshold(tmp_path: Path) -> None:
    # Given a backup key
    key, _public, private = key_files(tmp_path)

    # When it is split 3 of 5 without an output folder
    printed = _output("split", "--identity", str(private), "--shares", "5", "--threshold", "3")

    # Then five shares of that key are printed, each labelled for its trustee, and the
    # private key itself is not
    shares = [parse_backup_share(line) for line in _share_lines(printed)]
    assert [share.number for share in shares] == [1, 2, 3, 4, 5]
    assert {share.threshold for share in shares} == {3}
    assert {share.fingerprint for share in shares} == {key.public_key.fingerprint}
    assert "trustee share 2 of 5 (any 3 rebuild the key)" in printed
    assert key.text() not in printed
    assert key.raw.hex() not in printed


@pytest.mark.django_db(transaction=True)  # the SQLite snapshot waits for an open transaction
def test_any_three_share_files_rebuild_a_key_that_restores_the_backup(
    tmp_path: Path, settings: Settings
) -> None:
    # Given a backup encrypted to a key that was then split 3 of 5 into files
    settings.DATA_DIR = tmp_path / "data"
    key, private, backup, files = _backup_with_split_key(tmp_path, shares=5, threshold=3)
    assert len(files) == 5
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in files)
    private.unlink()  # the key itself is gone: only the trustees' shares remain

    # When three trustees' shares are combined on the offline machine
    rebuilt = tmp_path / "rebuilt.key"
    said = _output(
        "combine", str(files[4]), str(files[0]), str(files[2]), "--private-key", str(rebuilt)
    )

    # Then the key is rebuilt, private to its owner, and the backup authenticates with it
    assert key.public_key.fingerprint in said
    assert stat.S_IMODE(rebuilt.stat().st_mode) == 0o600
    assert parse_backup_private_key(rebuilt.read_text()).raw == key.raw
    out = io.StringIO()
    call_command("restore", str(backup), "--identity", str(rebuilt), "--check", stdout=out)
    assert "authenticated, nothing changed" in out.getvalue()


def test_combine_reads_shares_typed_with_spaces_or_from_standard_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given three shares of a 2-of-3 split
    key, _public, private = key_files(tmp_path)
    shares = _share_lines(
        _output("split", "--identity", str(private), "--shares", "3", "--threshold", "2")
    )

    # When one is typed with spaces (one argument per group) and another comes on stdin
    monkeypatch.setattr("sys.stdin", io.StringIO(f"# share 3\n{shares[2]}\n"))
    printed = _output("combine", *shares[0].lower().split("-"), "-")

    # Then the key is printed (no file was asked for), in a form restore --identity reads
    # as it is (the guide pipes it: combine ... | restore FILE --identity /dev/stdin)
    assert key.text() in printed
    assert parse_backup_private_key(printed).raw == key.raw


def _refused(*args: str) -> str:
    with pytest.raises(CommandError) as refused:
        _output("combine", *args)
    return str(refused.value)


def test_combine_refuses_too_few_mixed_repeated_or_mistyped_shares_and_writes_nothing(
    tmp_path: Path,
) -> None:
    # Given 3-of-5 shares of one key and 2-of-3 shares of another
    _key, _public, private = key_files(tmp_path)
    mine = _share_lines(
        _output("split", "--identity", str(private), "--shares", "5", "--threshold", "3")
    )
    other_folder = tmp_path / "other"
    other_folder.mkdir()
    _other, _other_public, other_private = key_files(other_folder)
    theirs = _share_lines(
        _output("split", "--identity", str(other_private), "--shares", "3", "--threshold", "2")
    )
    target = tmp_path / "rebuilt.key"
    write = ("--private-key", str(target))
    groups = mine[1].split("-")
    groups[7] = groups[7][:2] + ("A" if groups[7][2] != "A" else "B") + groups[7][3:]

    # When they are combined wrongly, Then each is refused with what is wrong, and no key
    # file is written
    assert "3 shares are needed" in _refused(mine[0], mine[1], *write)
    assert "different keys" in _refused(mine[0], mine[1], theirs[0], *write)
    assert "share 1 was given twice" in _refused(mine[0], mine[0], mine[2], *write)
    assert "character group 4" in _refused(mine[0], "-".join(groups), mine[2], *write)
    assert "neither a share" in _refused(str(tmp_path / "missing.txt"), *write)
    assert not target.exists()


def test_split_refuses_an_impossible_threshold_and_an_existing_share_file(tmp_path: Path) -> None:
    # Given a key, and a folder already holding share 2 of an earlier split of it
    _key, _public, private = key_files(tmp_path)
    folder = tmp_path / "shares"
    arguments = [
        "split",
        "--identity",
        str(private),
        "--shares",
        "3",
        "--threshold",
        "2",
        "--output-dir",
        str(folder),
    ]
    _output(*arguments)
    kept = next(path for path in folder.iterdir() if "share-2-" in path.name)
    before = kept.read_text()
    for path in folder.iterdir():
        if path != kept:
            path.unlink()

    # When it is split again into the same folder, or with a threshold of one
    with pytest.raises(CommandError, match="refusing to overwrite a share"):
        _output(*arguments)
    with pytest.raises(CommandError, match="need 2 <= threshold"):
        _output("split", "--identity", str(private), "--shares", "3", "--threshold", "1")

    # Then the existing share is untouched and no share of the refused split stays behind
    assert list(folder.iterdir()) == [kept]
    assert kept.read_text() == before


def _command(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "safepassage.cli", *arguments]


@pytest.mark.django_db(transaction=True)  # the SQLite snapshot waits for an open transaction
def test_the_guides_pipe_rebuilds_the_key_into_restore_without_writing_it(
    tmp_path: Path, settings: Settings
) -> None:
    # Given a backup, and two share files of its key split 2 of 3 (the key file deleted)
    settings.DATA_DIR = tmp_path / "data"
    _key, private, backup, files = _backup_with_split_key(tmp_path, shares=3, threshold=2)
    private.unlink()
    first, _second, third = files

    # When the operator runs the guide's command, on another installation (offline machine)
    offline = tmp_path / "offline"
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    } | {
        "SAFEPASSAGE_DATA_DIR": str(offline),
        "SAFEPASSAGE_MODE": "development",
        "PYTHONPATH": os.pathsep.join([str(REPOSITORY / "src"), str(REPOSITORY)]),
    }
    with subprocess.Popen(
        _command("backup-key", "combine", str(first), str(third)),
        stdout=subprocess.PIPE,
        env=environment,
        cwd=tmp_path,
    ) as combine:
        restore = subprocess.run(
            _command("restore", str(backup), "--identity", "/dev/stdin", "--check"),
            stdin=combine.stdout,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env=environment,
            cwd=tmp_path,
        )
        assert combine.wait(timeout=300) == 0

    # Then the backup authenticates, and no key file was written anywhere
    assert restore.returncode == 0, restore.stderr[-3000:]
    assert "authenticated, nothing changed" in restore.stdout
    assert not [path for path in tmp_path.rglob("*") if path.is_file() and path.suffix == ".key"]

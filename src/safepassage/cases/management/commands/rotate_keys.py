"""``safepassage rotate-keys --organisation ID [--case CODE]`` (SR-11): rotate case group keys.

Every group key of every case of the organisation (or of one case) gets a new version;
every value sealed under the old version is re-sealed, the new version is wrapped for the
people on the case, the case team and the recovery keys, and the old copies are destroyed.
The organisation recovery key opens the old copies. It is read from a file descriptor
(``--recovery-key-fd 3 3<sheet.txt``), from standard input when that is not a terminal, or
typed at a prompt that does not echo; never from the command line or the environment. Type
the key, or one trustee share per line (one per prompt) until enough are given.

Cases are rotated in batches, each batch in one transaction with the record of which cases
are done, so an interrupted run (Ctrl-C, a crash) is resumed by running the same command
again; nothing is rotated twice and no case is ever half-rotated. The output names counts
(and the codes of cases that could not be fully rotated), never a value or a key.
"""

import getpass
import os
import re
import sys
import uuid
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.audit.actions import SYSTEM_ACTOR
from safepassage.cases.models import Case, OrganisationKeyring
from safepassage.cases.rotation_actions import (
    CaseRotation,
    cases_to_rotate,
    count_rotated,
    do_finish_key_rotation,
    do_reseal_run_stragglers,
    do_rotate_batch,
    do_rotate_case_keys,
    open_key_rotation,
    truncate_write_ahead_log,
    values_under_retired_versions,
    zero_freed_pages,
)
from safepassage.core.crypto import (
    CryptoError,
    PrivateKey,
    PublicKey,
    combine_recovery_shares,
    parse_organisation_recovery_key,
)
from safepassage.organisations.models import Organisation

SHARE_PREFIX = "SPS-"
PRINTED_PRIVATE_KEY = re.compile(r"(?<![A-Za-z0-9])SPO-[A-Za-z0-9-]+")
PRINTED_SHARE = re.compile(r"(?<![A-Za-z0-9])SPS-[A-Za-z0-9-]+")
INTERRUPTED = 130


def _read_key_or_shares(*, text: str, expected: PublicKey) -> PrivateKey:
    if SHARE_PREFIX in text.upper():
        shares = [line.strip() for line in text.splitlines() if line.strip()]
        return combine_recovery_shares(shares=shares, expected_public_key=expected)
    return parse_organisation_recovery_key(text=text, expected_public_key=expected)


def read_recovery_key(*, text: str, expected: PublicKey) -> PrivateKey:
    """The recovery private key from a typed key, from trustee shares (one per line), or from
    the whole sheet ``recovery-key generate`` printed (its private key line is used; its
    headings, public key and share numbering are ignored)."""
    try:
        return _read_key_or_shares(text=text, expected=expected)
    except CryptoError:
        private = PRINTED_PRIVATE_KEY.findall(text)
        shares = PRINTED_SHARE.findall(text)
        if len(private) == 1:
            return parse_organisation_recovery_key(text=private[0], expected_public_key=expected)
        if shares and not private:
            return combine_recovery_shares(shares=shares, expected_public_key=expected)
        raise


def add_recovery_key_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--recovery-key-fd",
        type=int,
        help="read the recovery key (or shares, one per line) from this file descriptor",
    )


def recovery_key_from_options(options: dict[str, Any], *, expected: PublicKey) -> PrivateKey:
    """The recovery key from ``--recovery-key-fd``, standard input, or a no-echo prompt.

    Never from argv or the environment. A wrong key or share raises :class:`CommandError`.
    """
    stream: IO[str] | None = options.get("stdin")
    fd = options["recovery_key_fd"]
    try:
        if fd is not None:
            with os.fdopen(fd, encoding="utf-8", closefd=False) as source:
                return read_recovery_key(text=source.read(), expected=expected)
        if stream is None and sys.stdin.isatty():
            return _prompt(expected=expected)
        source_stream = stream if stream is not None else sys.stdin
        return read_recovery_key(text=source_stream.read(), expected=expected)
    except (CryptoError, OSError, ValueError):  # ValueError: not UTF-8 text
        msg = "This does not give the organisation's recovery key; nothing was changed."
        raise CommandError(msg) from None


def _prompt(*, expected: PublicKey) -> PrivateKey:
    first = getpass.getpass("Recovery key, or a trustee share: ")
    if SHARE_PREFIX not in first.upper():
        return read_recovery_key(text=first, expected=expected)
    shares = [first]
    while True:
        try:
            return read_recovery_key(text="\n".join(shares), expected=expected)
        except CryptoError:
            more = getpass.getpass("Next share (empty to give up): ")
            if not more.strip():
                raise
            shares.append(more)


def organisation_from_option(value: str) -> Organisation:
    """The organisation named by ``--organisation`` (its public id), or a clear error."""
    try:
        return Organisation.objects.get(public_id=uuid.UUID(value))
    except (ValueError, Organisation.DoesNotExist):
        msg = "No organisation has this public id."
        raise CommandError(msg) from None


class Command(BaseCommand):
    help = (
        "Rotate the case keys of an organisation (or of one case): new key versions, every "
        "value re-sealed, the old versions destroyed. Needs the organisation recovery key."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--organisation", required=True, help="the organisation's public id (a UUID)"
        )
        parser.add_argument("--case", help="rotate only this case (its code)")
        parser.add_argument(
            "--batch-size", type=int, default=25, help="cases per transaction (default 25)"
        )
        add_recovery_key_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = organisation_from_option(options["organisation"])
        keyring = OrganisationKeyring.objects.filter(organisation=organisation).first()
        if keyring is None:
            msg = "This organisation has no recovery key; it has no case keys to rotate."
            raise CommandError(msg)
        if options["batch_size"] < 1:
            msg = "--batch-size must be at least 1."
            raise CommandError(msg)
        expected = PublicKey(raw=bytes(keyring.recovery_public_key))
        opener = recovery_key_from_options(options, expected=expected)
        zero_freed_pages()
        try:
            if options["case"]:
                self._rotate_one(organisation=organisation, code=options["case"], opener=opener)
            else:
                self._rotate_all(
                    organisation=organisation, opener=opener, batch_size=options["batch_size"]
                )
        finally:
            truncate_write_ahead_log()

    def _rotate_one(self, *, organisation: Organisation, code: str, opener: PrivateKey) -> None:
        case = (
            Case.objects.filter(organisation=organisation, code=code.strip().upper())
            .select_related("organisation")
            .first()
        )
        if case is None:
            msg = "This organisation has no case with this code."
            raise CommandError(msg)
        result = do_rotate_case_keys(case=case, opener=opener, actor_ref=SYSTEM_ACTOR)
        self._summary(results=[result], cases=1)
        self._report_incomplete({case.code: result})

    def _rotate_all(
        self, *, organisation: Organisation, opener: PrivateKey, batch_size: int
    ) -> None:
        run, resumed = open_key_rotation(organisation=organisation, actor_ref=SYSTEM_ACTOR)
        pending = cases_to_rotate(run=run)
        done = count_rotated(run=run)
        total = done + len(pending)
        if resumed:
            self.stdout.write(
                f"Resuming rotation {run.public_id} (started {run.started_on}): "
                f"{done} of {total} cases already rotated."
            )
        else:
            self.stdout.write(f"Rotation {run.public_id}: {total} cases to rotate.")
        results: dict[Case, CaseRotation] = {}
        try:
            for start in range(0, len(pending), batch_size):
                batch = pending[start : start + batch_size]
                rotated = do_rotate_batch(
                    run=run, cases=batch, opener=opener, actor_ref=SYSTEM_ACTOR
                )
                results |= {case: rotated[case.pk] for case in batch if case.pk in rotated}
                done += len(rotated)
                self.stdout.write(f"  {done} of {total} cases rotated")
        except KeyboardInterrupt:
            msg = (
                f"Interrupted: {done} of {total} cases rotated, the batch in progress was "
                "rolled back. Run the same command again to continue."
            )
            raise CommandError(msg, returncode=INTERRUPTED) from None
        # Values a request sealed under a retired version just as its case was rotated, in
        # this invocation or an interrupted earlier one: the run kept the recovery copy of
        # each retired version, so they are re-sealed here, then the old versions go.
        stragglers = do_reseal_run_stragglers(run=run, opener=opener)
        do_finish_key_rotation(run=run, actor_ref=SYSTEM_ACTOR)
        self._summary(results=list(results.values()), cases=len(results))
        if stragglers:
            self.stdout.write(f"{stragglers} values written during the rotation re-sealed.")
        self._report_incomplete({case.code: result for case, result in results.items()})
        self._report_stale(organisation=organisation)
        self.stdout.write(f"Rotation {run.public_id} finished.")

    def _report_stale(self, *, organisation: Organisation) -> None:
        """Name the cases with values under a version no copy holds, and what to do."""
        stale = {
            case.code: count
            for case in Case.objects.filter(organisation=organisation).order_by("pk")
            if (count := values_under_retired_versions(case=case))
        }
        for code, count in stale.items():
            self.stdout.write(
                self.style.WARNING(
                    f"{code}: {count} values are sealed under a key version no copy holds any "
                    "more; nobody can open them."
                )
            )
        if stale:
            self.stdout.write(
                self.style.WARNING(
                    "Such values were written under an old key just as their case was rotated "
                    "outside a run (removing a colleague, revoking a referral, replacing a key "
                    "pair), whose old key is gone. No command can restore them: ask the people "
                    "on these cases to enter the notes, tasks or details that show as "
                    "unreadable again, then delete the unreadable ones."
                )
            )

    def _summary(self, *, results: list[CaseRotation], cases: int) -> None:
        self.stdout.write(
            f"{cases} cases, {sum(r.groups_rotated for r in results)} group keys rotated, "
            f"{sum(r.values_resealed for r in results)} values re-sealed, "
            f"{sum(r.copies_wrapped for r in results)} wrapped copies made, "
            f"{sum(r.copies_dropped for r in results)} holders no longer entitled dropped."
        )

    def _report_incomplete(self, results: dict[str, CaseRotation]) -> None:
        for code, result in sorted(results.items()):
            if result.groups_without_key:
                groups = ", ".join(group.value for group in result.groups_without_key)
                self.stdout.write(
                    self.style.WARNING(f"{code}: no recovery copy of {groups}; not rotated.")
                )
            if result.values_unreadable:
                self.stdout.write(
                    self.style.WARNING(
                        f"{code}: {result.values_unreadable} values did not open; left as they are."
                    )
                )

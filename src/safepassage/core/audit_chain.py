"""Hash chain of audit events: link each event to the one before, and verify.

Each event's hash covers its own fields and the previous event's hash, so an edited,
deleted, inserted or reordered event breaks the chain where it happened.
:func:`verify_chain` walks the events in storage order and names each problem.
A separately stored *head* (the last position and hash) catches a deleted tail.
Someone able to rewrite the whole chain and the head together is not caught here;
the operator guide tells admins to record the head hash off the server.
"""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

GENESIS_HASH = "0" * 64


@dataclass(frozen=True, slots=True, kw_only=True)
class EventContent:
    """The audited facts of one event. Never personal values: only references."""

    event_id: str
    occurred_at: str
    actor: str
    action: str
    object_type: str
    object_ref: str
    outcome: str
    organisation: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ChainEntry:
    """One stored event: its position in storage order, content and chain hashes."""

    position: int
    content: EventContent
    previous_hash: str
    entry_hash: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ChainHead:
    """The last position and hash, stored apart from the events."""

    position: int
    entry_hash: str


class ProblemKind(StrEnum):
    EDITED = "edited"
    DELETED = "deleted"
    INSERTED = "inserted"
    REORDERED = "reordered"
    TRUNCATED = "truncated"


@dataclass(frozen=True, slots=True, kw_only=True)
class ChainProblem:
    """A break in the chain, naming the event (by id and position) where it shows."""

    kind: ProblemKind
    position: int
    event_id: str
    message: str


def hash_entry(*, previous_hash: str, content: EventContent) -> str:
    """Return the SHA-256 hex digest that links ``content`` after ``previous_hash``."""
    canonical = json.dumps(
        {
            "previous_hash": previous_hash,
            "event_id": content.event_id,
            "occurred_at": content.occurred_at,
            "actor": content.actor,
            "action": content.action,
            "object_type": content.object_type,
            "object_ref": content.object_ref,
            "outcome": content.outcome,
            "organisation": content.organisation,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def verify_chain(entries: Sequence[ChainEntry], *, head: ChainHead | None) -> list[ChainProblem]:
    """Check ``entries`` (in storage order) and ``head``; return every problem found.

    An empty list means the chain is intact.
    """
    problems: list[ChainProblem] = []
    index_of_hash = {entry.entry_hash: index for index, entry in enumerate(entries)}
    for index, entry in enumerate(entries):
        event_id = entry.content.event_id
        if hash_entry(previous_hash=entry.previous_hash, content=entry.content) != entry.entry_hash:
            problems.append(
                ChainProblem(
                    kind=ProblemKind.EDITED,
                    position=entry.position,
                    event_id=event_id,
                    message=f"event {event_id} at position {entry.position} was edited: "
                    "its contents no longer match its hash",
                )
            )
        expected = entries[index - 1].entry_hash if index > 0 else GENESIS_HASH
        if entry.previous_hash == expected:
            continue
        linked = index_of_hash.get(entry.previous_hash)
        if index > 1 and linked == index - 2:
            stray = entries[index - 1]
            problems.append(
                ChainProblem(
                    kind=ProblemKind.INSERTED,
                    position=stray.position,
                    event_id=stray.content.event_id,
                    message=f"event {stray.content.event_id} at position {stray.position} "
                    "was inserted: the next event links past it",
                )
            )
        elif linked is not None or (entry.previous_hash == GENESIS_HASH and index > 0):
            problems.append(
                ChainProblem(
                    kind=ProblemKind.REORDERED,
                    position=entry.position,
                    event_id=event_id,
                    message=f"event {event_id} at position {entry.position} is out of order: "
                    "it follows a different event than the one stored before it",
                )
            )
        else:
            problems.append(
                ChainProblem(
                    kind=ProblemKind.DELETED,
                    position=entry.position,
                    event_id=event_id,
                    message=f"an event before {event_id} (position {entry.position}) was "
                    "deleted or altered: the event it links to is missing",
                )
            )
    problems.extend(_check_head(entries, head))
    return problems


def _check_head(entries: Sequence[ChainEntry], head: ChainHead | None) -> list[ChainProblem]:
    last_position = entries[-1].position if entries else 0
    last_hash = entries[-1].entry_hash if entries else GENESIS_HASH
    head_position = head.position if head else 0
    head_hash = head.entry_hash if head else GENESIS_HASH
    if (last_position, last_hash) == (head_position, head_hash):
        return []
    last_id = entries[-1].content.event_id if entries else "-"
    if head_position > last_position:
        message = (
            f"the last {head_position - last_position} event(s) after position "
            f"{last_position} were deleted"
        )
        kind = ProblemKind.TRUNCATED
    else:
        message = (
            f"the chain head records position {head_position} but the last stored event "
            f"is {last_id} at position {last_position}"
        )
        kind = ProblemKind.INSERTED if last_position > head_position else ProblemKind.EDITED
    return [ChainProblem(kind=kind, position=last_position, event_id=last_id, message=message)]

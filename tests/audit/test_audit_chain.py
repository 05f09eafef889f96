"""The framework-free hash chain, against hand-built chains."""

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from safepassage.core.audit_chain import (
    GENESIS_HASH,
    ChainEntry,
    ChainHead,
    EventContent,
    ProblemKind,
    hash_entry,
    verify_chain,
)


def build(count: int) -> tuple[list[ChainEntry], ChainHead]:
    entries: list[ChainEntry] = []
    previous = GENESIS_HASH
    for index in range(count):
        content = EventContent(
            event_id=f"e{index}",
            occurred_at=f"2026-11-25T10:00:{index:02d}+00:00",
            actor="a",
            action="act",
            object_type="t",
            object_ref=f"r{index}",
            outcome="success",
            organisation="",
        )
        entry_hash = hash_entry(previous_hash=previous, content=content)
        entries.append(
            ChainEntry(
                position=index + 1, content=content, previous_hash=previous, entry_hash=entry_hash
            )
        )
        previous = entry_hash
    head = ChainHead(position=count, entry_hash=previous) if count else None
    return entries, head or ChainHead(position=0, entry_hash=GENESIS_HASH)


@given(st.integers(min_value=0, max_value=30))
def test_an_honest_chain_has_no_problems(count: int) -> None:
    entries, head = build(count)
    assert verify_chain(entries, head=head) == []


@given(st.integers(min_value=1, max_value=20), st.data())
def test_any_edited_field_is_caught_at_that_event(count: int, data: st.DataObject) -> None:
    entries, head = build(count)
    index = data.draw(st.integers(min_value=0, max_value=count - 1))
    field = data.draw(st.sampled_from(["actor", "action", "object_ref", "outcome", "occurred_at"]))
    tampered = replace(entries[index], content=replace(entries[index].content, **{field: "forged"}))
    entries[index] = tampered

    problems = verify_chain(entries, head=head)

    assert problems[0].kind is ProblemKind.EDITED
    assert problems[0].event_id == f"e{index}"


@given(st.integers(min_value=3, max_value=20), st.data())
def test_any_deleted_middle_event_is_caught(count: int, data: st.DataObject) -> None:
    entries, head = build(count)
    index = data.draw(st.integers(min_value=1, max_value=count - 2))
    del entries[index]

    problems = verify_chain(entries, head=head)

    assert [problem.kind for problem in problems] == [ProblemKind.DELETED]
    assert problems[0].event_id == f"e{index + 1}"


def test_a_rewritten_hash_still_breaks_the_next_link() -> None:
    entries, head = build(4)
    content = replace(entries[1].content, action="forged")
    entries[1] = replace(
        entries[1],
        content=content,
        entry_hash=hash_entry(previous_hash=entries[1].previous_hash, content=content),
    )

    problems = verify_chain(entries, head=head)

    assert problems
    assert problems[0].event_id == "e2"

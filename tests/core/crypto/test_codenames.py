"""SR-14: codenames from word lists, and their Argon2id + pepper derivations."""

import itertools
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safepassage.core.crypto import (
    CodenameError,
    CodenamePeppers,
    WordList,
    derive_codename_secrets,
    generate_codename,
    normalise_codename,
    word_list_from_text,
)
from tests.core.crypto.conftest import FAST_KDF


def _generated_words(count: int) -> tuple[str, ...]:
    """A stand-in list for tests: 'aaa', 'aab', … (the real lists are not bundled yet)."""
    letters = itertools.product(string.ascii_lowercase, repeat=3)
    return tuple("".join(word) for word in itertools.islice(letters, count))


WORDS = WordList(name="test", words=_generated_words(7776))
PEPPERS = CodenamePeppers(lookup=bytes(range(32)), key=bytes(range(1, 33)))


def test_codename_has_seven_words_from_the_list():
    codename = generate_codename(word_list=WORDS)

    words = codename.split(" ")
    assert len(words) == 7
    assert set(words) <= set(WORDS.words)
    assert WORDS.contains_codename(codename)


def test_codenames_reach_90_bits():
    assert 7 * WORDS.bits_per_word >= 90


def test_codenames_differ():
    assert len({generate_codename(word_list=WORDS) for _ in range(200)}) == 200


def test_fewer_than_seven_words_are_refused():
    with pytest.raises(CodenameError):
        generate_codename(word_list=WORDS, word_count=6)


@pytest.mark.parametrize(
    "words",
    [
        _generated_words(7775),
        (*_generated_words(7775), "aaa"),
        (*_generated_words(7775), "Zebra"),
        (*_generated_words(7775), "two words"),
        (*_generated_words(7775), ""),
    ],
    ids=["too short", "duplicate", "not normalised", "whitespace", "empty"],
)
def test_bad_word_lists_are_refused(words):
    with pytest.raises(CodenameError):
        WordList(name="bad", words=words)


def test_a_cyrillic_list_is_accepted():
    cyrillic = "абвгдежзиклмнопрстуфхцчшщэюя"
    words = tuple(
        "".join(parts) for parts in itertools.islice(itertools.product(cyrillic, repeat=3), 7776)
    )

    codename = generate_codename(word_list=WordList(name="ru-test", words=words))

    assert normalise_codename(codename.upper()) == codename


def test_derivation_is_deterministic_and_ignores_case_and_spacing():
    codename = generate_codename(word_list=WORDS)
    typed = "  " + codename.upper().replace(" ", "   ") + "\n"

    first = derive_codename_secrets(codename=codename, peppers=PEPPERS, parameters=FAST_KDF)
    second = derive_codename_secrets(codename=typed, peppers=PEPPERS, parameters=FAST_KDF)

    assert first == second
    assert len(first.lookup_id) == 64
    assert first.key.hex() != first.lookup_id
    assert first.key.hex() not in repr(first)


def test_another_codename_gives_other_secrets():
    first = derive_codename_secrets(
        codename="aaa aab aac aad aae aaf aag", peppers=PEPPERS, parameters=FAST_KDF
    )
    second = derive_codename_secrets(
        codename="aaa aab aac aad aae aaf aah", peppers=PEPPERS, parameters=FAST_KDF
    )

    assert first.lookup_id != second.lookup_id
    assert first.key != second.key


def test_without_the_peppers_the_lookup_id_cannot_be_reproduced():
    codename = "aaa aab aac aad aae aaf aag"
    other_peppers = CodenamePeppers(lookup=bytes(range(2, 34)), key=bytes(range(1, 33)))

    real = derive_codename_secrets(codename=codename, peppers=PEPPERS, parameters=FAST_KDF)
    guessed = derive_codename_secrets(codename=codename, peppers=other_peppers, parameters=FAST_KDF)

    assert real.lookup_id != guessed.lookup_id
    assert real.key != guessed.key


def test_key_pepper_changes_only_the_key():
    codename = "aaa aab aac aad aae aaf aag"
    other = CodenamePeppers(lookup=PEPPERS.lookup, key=bytes(range(3, 35)))

    real = derive_codename_secrets(codename=codename, peppers=PEPPERS, parameters=FAST_KDF)
    changed = derive_codename_secrets(codename=codename, peppers=other, parameters=FAST_KDF)

    assert real.lookup_id == changed.lookup_id
    assert real.key != changed.key


@pytest.mark.parametrize(
    ("lookup", "key"), [(b"a" * 31, b"b" * 32), (b"a" * 32, b"a" * 32)], ids=["short", "equal"]
)
def test_bad_peppers_are_refused(lookup, key):
    with pytest.raises(CodenameError):
        CodenamePeppers(lookup=lookup, key=key)


def test_empty_codename_is_refused():
    with pytest.raises(CodenameError):
        derive_codename_secrets(codename="   ", peppers=PEPPERS, parameters=FAST_KDF)


@settings(max_examples=50)
@given(st.text(max_size=80))
def test_normalising_twice_changes_nothing(text):
    once = normalise_codename(text)

    assert normalise_codename(once) == once


def test_word_lists_load_from_eff_style_text():
    lines = [f"{index:05d}\t{word.upper()}" for index, word in enumerate(_generated_words(7776))]

    loaded = word_list_from_text(name="eff-style", text="\n".join(lines) + "\n\n")

    assert loaded.words == WORDS.words

"""SR-14: the shipped codename word lists are big enough, distinct, normalised and aligned."""

import math
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safepassage.core.crypto import generate_codename, normalise_codename
from safepassage.core.crypto.codenames import MINIMUM_CODENAME_WORDS
from safepassage.intake.wordlists import WordListName, default_word_list_for, load_word_list

LATIN = "abcdefghijklmnopqrstuvwxyz"
CYRILLIC = "абвгдежзийклмнопрстуфхцчшщъыьэюя"


@pytest.mark.parametrize("name", list(WordListName))
def test_each_list_has_enough_distinct_normalised_words(name: WordListName) -> None:
    # given / when
    words = load_word_list(name).words
    # then
    assert len(words) >= 7776
    assert len(set(words)) == len(words)
    assert all(word == unicodedata.normalize("NFKC", word).casefold() for word in words)
    assert all(word.strip() == word and " " not in word for word in words)


@pytest.mark.parametrize("name", list(WordListName))
def test_seven_words_give_at_least_ninety_bits(name: WordListName) -> None:
    assert MINIMUM_CODENAME_WORDS * math.log2(len(load_word_list(name).words)) >= 90


def test_english_is_the_eff_large_list() -> None:
    words = load_word_list(WordListName.ENGLISH).words
    assert len(words) == 7776
    assert (words[0], words[-1]) == ("abacus", "zoom")
    assert all(set(word) <= set(LATIN + "-") for word in words)


def test_russian_lists_are_cyrillic_and_latin_line_by_line() -> None:
    russian = load_word_list(WordListName.RUSSIAN).words
    latin = load_word_list(WordListName.RUSSIAN_LATIN).words
    assert len(russian) == len(latin) == 7776
    assert all(set(word) <= set(CYRILLIC) and "ё" not in word for word in russian)
    assert all(set(word) <= set(LATIN) for word in latin)
    assert all(4 <= len(word) <= 8 for word in russian)


def test_the_page_language_picks_the_list() -> None:
    assert default_word_list_for("ru") is WordListName.RUSSIAN
    assert default_word_list_for("en") is WordListName.ENGLISH


@settings(max_examples=30)
@given(name=st.sampled_from(list(WordListName)), shout=st.booleans())
def test_a_codename_typed_back_in_another_case_normalises_to_itself(
    name: WordListName, shout: bool
) -> None:
    # given a fresh codename
    word_list = load_word_list(name)
    codename = generate_codename(word_list=word_list)
    # when the applicant types it back with other capitals and extra spaces
    typed = "  " + "   ".join(codename.upper().split() if shout else codename.split()) + " "
    # then it normalises to what was shown, every word from the list
    assert normalise_codename(typed) == codename
    assert word_list.contains_codename(typed)
    assert len(codename.split()) == MINIMUM_CODENAME_WORDS

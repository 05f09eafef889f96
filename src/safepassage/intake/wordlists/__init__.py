"""The codename word lists shipped as package data (SR-14); provenance in ``PROVENANCE.txt``.

Three lists of 7,776 words each: English (the EFF large list), Russian (Cyrillic) and the
same Russian words in Latin letters. Each is loaded once per process into a
:class:`~safepassage.core.crypto.WordList`, which refuses a list that is too short, repeats a
word or holds a word that is not in normal form.
"""

import functools
from enum import StrEnum
from importlib import resources

from safepassage.core.crypto import WordList, word_list_from_text


class WordListName(StrEnum):
    ENGLISH = "en"
    RUSSIAN = "ru"
    RUSSIAN_LATIN = "ru-latn"


_FILES = {
    WordListName.ENGLISH: "eff_large_en.txt",
    WordListName.RUSSIAN: "ru.txt",
    WordListName.RUSSIAN_LATIN: "ru_latin.txt",
}


@functools.cache
def load_word_list(name: WordListName) -> WordList:
    """The named list, read from the package and checked once per process."""
    text = (
        resources.files("safepassage.intake.wordlists")
        .joinpath(_FILES[name])
        .read_text(encoding="utf-8")
    )
    return word_list_from_text(name=name.value, text=text)


def default_word_list_for(language: str) -> WordListName:
    """Cyrillic Russian words for a Russian page, English words otherwise."""
    return WordListName.RUSSIAN if language.startswith("ru") else WordListName.ENGLISH

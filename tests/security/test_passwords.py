"""SR-20: passwords per ASVS 5.0 - Argon2id, at least 15 characters, a long maximum,
checked against a bundled common-password list and context words, no composition rules."""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.contrib.auth.password_validation import CommonPasswordValidator, validate_password
from django.core.exceptions import ValidationError

from safepassage.accounts.models import User
from safepassage.accounts.password_validation import MAXIMUM_LENGTH
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Lower-case words and spaces only: no digit, capital or symbol (no composition rule).
PASSPHRASE = "violet tractor under seven moons"


def _codes(password: str, user: User | None = None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {item.code or "" for item in error.error_list}
    return set()


@pytest.mark.real_password_hashers
def test_new_passwords_are_hashed_with_argon2id() -> None:
    """SR-20: the first (hashing) hasher is Argon2, and Django's Argon2 is Argon2id."""
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    user = UserFactory.create()
    user.set_password(PASSPHRASE)

    assert user.password.startswith("argon2$argon2id$")
    assert get_hasher().algorithm == "argon2"


def test_fifteen_characters_is_the_minimum() -> None:
    """SR-20: 14 characters are refused, 15 accepted."""
    assert "password_too_short" in _codes("hqzvbnrtlkwmsx")
    assert _codes("hqzvbnrtlkwmsxy") == set()


def test_a_long_passphrase_is_accepted_up_to_the_maximum() -> None:
    """SR-20: a long maximum (1024 characters), refused just beyond it."""
    long_phrase = (PASSPHRASE + " ") * 40
    assert _codes(long_phrase[:MAXIMUM_LENGTH]) == set()
    assert "password_too_long" in _codes(long_phrase[: MAXIMUM_LENGTH + 1])
    assert MAXIMUM_LENGTH >= 64


def test_no_composition_rule_refuses_a_plain_lower_case_passphrase() -> None:
    """SR-20: no demand for digits, capitals or symbols."""
    assert _codes(PASSPHRASE, UserFactory.create()) == set()


def test_a_common_password_of_fifteen_characters_or_more_is_refused() -> None:
    """SR-20: checked against the bundled list of common (breached) passwords."""
    long_common = sorted(
        (word for word in CommonPasswordValidator().passwords if len(word) >= 15), key=len
    )
    assert long_common, "the bundled list has no password long enough to try"

    for password in long_common[:5]:
        assert "password_too_common" in _codes(password)


def test_context_words_and_the_users_own_details_are_refused() -> None:
    """SR-20: the service's name and the user's address or name are refused."""
    user = UserFactory.create(email="marina.kozlova@example.org", display_name="Marina Kozlova")

    assert "password_context_word" in _codes("my safepassage secret door")
    assert "password_too_similar" in _codes("marina.kozlova@example.org", user)

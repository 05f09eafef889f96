"""Password rules of SR-20 that Django's own validators do not cover."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAXIMUM_LENGTH = 1024
CONTEXT_WORDS = ("safepassage", "safe passage", "evacuation", "password")


class MaximumLengthValidator:
    """Allow long passphrases but refuse absurd input (hashing cost)."""

    def validate(self, password: str, user: object = None) -> None:
        if len(password) > MAXIMUM_LENGTH:
            raise ValidationError(
                _("This password is too long: at most %(maximum)d characters."),
                code="password_too_long",
                params={"maximum": MAXIMUM_LENGTH},
            )

    def get_help_text(self) -> str:
        return _("Your password can be up to %(maximum)d characters long.") % {
            "maximum": MAXIMUM_LENGTH
        }


class ContextWordsValidator:
    """Refuse passwords built around the service's own name."""

    def validate(self, password: str, user: object = None) -> None:
        lowered = password.lower()
        if any(word in lowered for word in CONTEXT_WORDS):
            raise ValidationError(
                _("This password contains a word that is easy to guess for this service."),
                code="password_context_word",
            )

    def get_help_text(self) -> str:
        return _("Your password can't contain the name of this service.")

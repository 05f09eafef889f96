"""Typed errors of the ledger app (the core's own errors, ``LedgerError``, pass through)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class LedgerAppError(Exception):
    code = "ledger_app_error"
    message: str | Promise = _("Something went wrong with the ledger.")


class IdempotencyKeyReused(LedgerAppError):
    """A key was sent again for a different kind of transaction: a programming error."""

    code = "idempotency_key_reused"
    message = _("This request was already recorded as a different change.")


class TransactionNotFound(LedgerAppError):
    code = "transaction_not_found"
    message = _("No such ledger transaction.")

"""Stored ledger: transactions, postings, a balance cache and lockable owners.

The rules live in :mod:`safepassage.core.ledger`; this module only stores what the
builders return. Rows of :class:`LedgerTransaction` and :class:`Posting` are only ever
inserted (a database trigger refuses updates, and on PostgreSQL deletes too; see
migration 0002). :class:`Balance` is a cache of the sum of postings per account, kept
in step inside the same database transaction and re-checked by ``ledger verify``.
:class:`LedgerOwner` is the row locked before anything on a pledge, fund or campaign
is posted, so the ledger never needs to import the apps that own those objects.

No field here holds personal data: owner ids are public UUIDs, references hold ids.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.core.ledger import Bucket, OwnerKind, TransactionKind

SOURCE_BUCKET_VALUES = [Bucket.PLEDGED.value, Bucket.RECEIVED.value]


class LedgerOwner(models.Model):
    """A pledge, fund or campaign as the ledger locks it: one row per owner.

    Rows are created with ``bulk_create(ignore_conflicts=True)`` and locked with
    ``select_for_update`` in primary-key order (``lock_objects.lock_ledger_owners``).
    """

    owner_kind = models.CharField(max_length=16, choices=[(k.value, k.value) for k in OwnerKind])
    owner_id = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("ledger owner")
        verbose_name_plural = _("ledger owners")
        constraints = [
            models.UniqueConstraint(fields=["owner_kind", "owner_id"], name="ledger_owner_unique")
        ]

    def __str__(self) -> str:
        return f"{self.owner_kind} {self.owner_id}"


class LedgerTransaction(models.Model):
    """One balanced change of the ledger (see ``core.ledger.Transaction``)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(
        max_length=16, choices=[(k.value, k.value) for k in TransactionKind], editable=False
    )
    idempotency_key = models.CharField(max_length=200, unique=True, editable=False)
    reference = models.CharField(max_length=200, editable=False)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")

    def __str__(self) -> str:
        return f"{self.kind} {self.public_id}"


class Posting(models.Model):
    """A signed integer amount (whole miles, or minor units of a currency) on one account."""

    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="postings", editable=False
    )
    owner_kind = models.CharField(max_length=16, editable=False)
    owner_id = models.CharField(max_length=64, editable=False)
    bucket = models.CharField(max_length=16, editable=False)
    unit = models.CharField(max_length=32, editable=False)
    amount = models.BigIntegerField(editable=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="ledger_posting_not_zero")
        ]
        indexes = [
            models.Index(fields=["owner_kind", "owner_id"], name="ledger_posting_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_kind}:{self.owner_id}:{self.bucket}:{self.unit} {self.amount}"


class Balance(models.Model):
    """Cached balance of one account; always equal to the sum of its postings."""

    owner_kind = models.CharField(max_length=16)
    owner_id = models.CharField(max_length=64)
    bucket = models.CharField(max_length=16)
    unit = models.CharField(max_length=32)
    balance = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("ledger balance")
        verbose_name_plural = _("ledger balances")
        constraints = [
            models.UniqueConstraint(
                fields=["owner_kind", "owner_id", "bucket", "unit"], name="ledger_balance_unique"
            ),
            # The last line of defence against an overdraft if a lock is ever missed:
            # source buckets never go above zero, every other bucket never below.
            models.CheckConstraint(
                condition=(
                    models.Q(bucket__in=SOURCE_BUCKET_VALUES, balance__lte=0)
                    | (~models.Q(bucket__in=SOURCE_BUCKET_VALUES) & models.Q(balance__gte=0))
                ),
                name="ledger_balance_never_overdrawn",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner_kind}:{self.owner_id}:{self.bucket}:{self.unit} = {self.balance}"

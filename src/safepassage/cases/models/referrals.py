"""Referrals of a case to a partner organisation (SR-28), with recorded consent.

The referring caseworker re-wraps the chosen group keys to the receiving organisation's
case-team public key and its recovery public key (``CaseGroupKey`` rows pointing at the
referral); a member of the receiving team accepts it and gets their own copies. Consent (who
gave it, on which day, how it was obtained) is sealed under the case's narrative key.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import User
from safepassage.cases.models.case import Case
from safepassage.organisations.models import Organisation


class CaseReferral(models.Model):
    """One referral of a case from its organisation to a partner organisation."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sent_referrals"
    )
    to_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="received_referrals"
    )
    referred_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    referred_on = models.DateField()
    sender_keeps_access = models.BooleanField()
    expires_on = models.DateField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_on = models.DateField(null=True, blank=True)
    revoked_on = models.DateField(null=True, blank=True)
    consent = models.BinaryField()

    class Meta:
        verbose_name = _("case referral")
        verbose_name_plural = _("case referrals")

    def __str__(self) -> str:
        return str(self.public_id)

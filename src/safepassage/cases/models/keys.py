"""Key material of staff and organisations (issue 4, SR-06/SR-07). Nothing here opens alone.

- :class:`StaffKeyPair`: a staff user's public key and its private key wrapped under
  Argon2id(password) and under the personal recovery key (shown once, never stored).
- :class:`OrganisationKeyring`: the organisation's recovery *public* key (the private half is
  on paper, offline) and the public key of its case team.
- :class:`TeamKeyCopy`: the case team's private key wrapped to one member's public key.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import User
from safepassage.organisations.models import Organisation


class StaffKeyPair(models.Model):
    """A staff user's X25519 key pair, private half only as envelopes."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="key_pair")
    public_key = models.BinaryField(max_length=32)
    password_envelope = models.BinaryField()
    recovery_envelope = models.BinaryField()
    created_on = models.DateField()

    class Meta:
        verbose_name = _("staff key pair")
        verbose_name_plural = _("staff key pairs")

    def __str__(self) -> str:
        return f"key pair of {self.user.public_id}"


class OrganisationKeyring(models.Model):
    """Public keys of an organisation: recovery (offline private half) and case team."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="keyring"
    )
    recovery_public_key = models.BinaryField(max_length=32)
    team_public_key = models.BinaryField(max_length=32, null=True)

    class Meta:
        verbose_name = _("organisation keyring")
        verbose_name_plural = _("organisation keyrings")

    def __str__(self) -> str:
        return f"keyring of {self.organisation.public_id}"


class TeamKeyCopy(models.Model):
    """The case team's private key wrapped to one member (caseworker or admin)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="team_key_copies"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="team_key_copies")
    envelope = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="team_key_copy_unique")
        ]
        verbose_name = _("team key copy")
        verbose_name_plural = _("team key copies")

    def __str__(self) -> str:
        return f"team key of {self.organisation.public_id} for {self.user.public_id}"

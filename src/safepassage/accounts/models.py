"""Staff users, their memberships (role per organisation) and invitations."""

import secrets
import uuid
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from safepassage.accounts.roles import Role
from safepassage.accounts.two_factor_secrets import (
    open_display_name,
    open_key_name,
    open_seed,
    recovery_code_digest,
    seal_display_name,
)
from safepassage.organisations.models import Organisation


def new_session_epoch() -> str:
    return secrets.token_hex(16)


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


# django-stubs cannot type ``user.security_keys``: SecurityKey's base (django-otp) is untyped.
class User(AbstractBaseUser, PermissionsMixin):  # type: ignore[django-manager-missing]
    """A staff member. Signs in with e-mail, password and a second factor."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail address"), unique=True)
    sealed_display_name = models.BinaryField(default=b"", editable=False)
    """The name staff see, sealed under the server's two-factor key and bound to
    ``public_id`` (decision 0052); read and written through :attr:`display_name`."""
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    session_epoch = models.CharField(max_length=32, default=new_session_epoch, editable=False)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    # The display name is no column (it is sealed): createsuperuser-like commands ask for it
    # themselves. Every write goes through the display_name setter.
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or str(self.public_id)

    @property
    def display_name(self) -> str:
        """The member's name in clear (``""`` when none was given or it does not open under
        the server's key). Opened once per sealed value and kept on the instance."""
        sealed = bytes(self.sealed_display_name or b"")
        cached: tuple[bytes, str] | None = getattr(self, "_display_name_opened", None)
        if cached is not None and cached[0] == sealed:
            return cached[1]
        name = open_display_name(user_ref=str(self.public_id), sealed=sealed)
        self._display_name_opened = (sealed, name)
        return name

    @display_name.setter
    def display_name(self, name: str) -> None:
        """Seals ``name`` (the one place a display name is written; save to keep it)."""
        sealed = seal_display_name(user_ref=str(self.public_id), name=name) if name else b""
        self.sealed_display_name = sealed
        self._display_name_opened = (sealed, name)

    @property
    def is_staff(self) -> bool:
        """Nobody uses the Django admin site (SR-27)."""
        return False

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # The session stays valid only while both the password and the session epoch
        # are unchanged: rotating the epoch logs the user out everywhere.
        return salted_hmac(
            "safepassage.accounts.User.session_auth_hash",
            f"{self.password}:{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class Membership(models.Model):
    """A user's role in one organisation. The only source of staff permissions."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


class Invitation(models.Model):
    """A signed, expiring, single-use invitation to join an organisation with a role."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    invited_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"invitation {self.public_id}"


class TwoFactorReset(models.Model):
    """An admin (or the operator) reset a staff member's second factor (decision 0025).

    Until ``enrolled_at`` is set the member cannot sign in with an authenticator (it was
    deleted) and may set up a new one only after entering the one-time enrolment code,
    which was shown once to whoever reset it. Only the code's SHA-256 is kept: the code
    is random (128 bits), so a fast hash is enough.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="two_factor_resets")
    reset_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    code_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    code_used_at = models.DateTimeField(null=True, blank=True)
    enrolled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("two-factor reset")
        verbose_name_plural = _("two-factor resets")

    def __str__(self) -> str:
        return f"two-factor reset {self.public_id}"


class SecurityKey(Device):  # type: ignore[misc]  # django-otp ships no type hints
    """A staff member's security key (WebAuthn credential), a phishing-resistant second
    factor (SR-19, decision 0035).

    A django-otp device, so a sign-in with it marks the session verified exactly as an
    authenticator code does (``django_otp.login``). Holds only what verifying an assertion
    needs and the name its owner gave it: no attestation, no authenticator model, nothing
    about the person beyond the user link (``Device.user``).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="security_keys")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    credential_id = models.CharField(max_length=1400, unique=True, editable=False)
    """The credential id, base64url without padding (at most 1,023 bytes)."""
    public_key = models.BinaryField(editable=False)
    """The COSE public key the authenticator returned at registration."""
    sign_count = models.PositiveBigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)
    created_on = models.DateField(default=timezone.localdate)
    last_used_on = models.DateField(null=True, blank=True)
    sealed_name = models.BinaryField(null=True, editable=False)
    """The name its owner gave it, sealed under the server's two-factor key and bound to
    ``public_id`` (decision 0050); django-otp's ``name`` holds only :data:`KEY_LABEL`."""

    KEY_LABEL: ClassVar[str] = "security key"

    # django-otp's DeviceManager at run time; typed here because django-otp has no hints.
    objects: ClassVar[models.Manager["SecurityKey"]]

    class Meta:
        verbose_name = _("security key")
        verbose_name_plural = _("security keys")

    def __str__(self) -> str:
        return f"security key {self.public_id}"

    @property
    def label(self) -> str:
        """The name its owner gave it (``""`` when it does not open)."""
        return open_key_name(key_ref=str(self.public_id), sealed=self.sealed_name)


class Authenticator(TOTPDevice):  # type: ignore[misc]  # django-otp ships no type hints
    """django-otp's TOTP device whose ``key`` column holds the seed sealed under the server's
    two-factor key (``two_factor_secrets``), never the seed itself (SR-01, decision 0050).
    Use this class, not ``TOTPDevice``, for anything that reads the seed: verifying a code,
    the enrolment QR code, the demo's secrets."""

    # django-otp's DeviceManager at run time; typed here because django-otp has no hints.
    objects: ClassVar[models.Manager["Authenticator"]]

    class Meta:
        proxy = True

    @property
    def bin_key(self) -> bytes:
        """The seed; :class:`~safepassage.accounts.errors.TwoFactorKeyMismatch` when it does
        not open."""
        return open_seed(user_ref=str(self.user.public_id), stored=self.key)


class RecoveryCodes(StaticDevice):  # type: ignore[misc]  # django-otp ships no type hints
    """django-otp's static device whose tokens are keyed digests of the recovery codes
    (``two_factor_secrets.recovery_code_digest``), never the codes (decision 0050)."""

    objects: ClassVar[models.Manager["RecoveryCodes"]]

    class Meta:
        proxy = True

    def verify_token(self, token: str) -> bool:
        """Compare the digest of ``token`` with the unused ones; a match is used up."""
        return bool(super().verify_token(recovery_code_digest(token)))

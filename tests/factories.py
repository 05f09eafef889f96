"""factory_boy factories and helpers for staff, organisations and sign-in."""

import time
from dataclasses import dataclass

import factory
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from factory.declarations import Sequence

from safepassage.accounts.actions import new_authenticator
from safepassage.accounts.middleware import SIGNED_IN_AT
from safepassage.accounts.models import Authenticator, Membership, User
from safepassage.accounts.reauthentication import SESSION_KEY as AUTHENTICATED_AT
from safepassage.organisations.models import Organisation, OrganisationKind

STAFF_PASSWORD = "correct horse battery staple 42"


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = Sequence(lambda number: f"Organisation {number}")
    kind = OrganisationKind.CASE_ORGANISATION


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    email = Sequence(lambda number: f"staff{number}@example.org")
    display_name = Sequence(lambda number: f"Staff {number}")

    @classmethod
    def _create(cls, model_class: type[User], *args: object, **kwargs: object) -> User:
        email = str(kwargs.pop("email"))
        return model_class.objects.create_user(email, STAFF_PASSWORD, **kwargs)


@dataclass
class StaffMember:
    user: User
    organisation: Organisation
    role: str
    device: Authenticator

    def current_code(self) -> str:
        """The authenticator code for now (resetting replay protection first)."""
        self.device.refresh_from_db()
        self.device.last_t = -1
        self.device.throttling_failure_count = 0
        self.device.throttling_failure_timestamp = None
        self.device.save()
        return f"{totp(self.device.bin_key, step=self.device.step, digits=self.device.digits):06d}"


def make_staff(role: str, organisation: Organisation | None = None) -> StaffMember:
    """A user holding ``role`` in ``organisation`` (a new one by default), with a
    confirmed authenticator."""
    membership = Membership.objects.create(
        user=UserFactory.create(),
        organisation=organisation or OrganisationFactory.create(),
        role=role,
    )
    device = new_authenticator(user=membership.user, name="test", confirmed=True)
    return StaffMember(
        user=membership.user, organisation=membership.organisation, role=role, device=device
    )


def sign_in(
    client: Client,
    staff: StaffMember,
    *,
    second_factor: bool = True,
    recently_authenticated: bool = True,
) -> Client:
    """Put ``client`` in the state the real sign-in leaves (tested in test_sign_in).

    The sign-in counts as a recent authentication (SR-23) for 5 minutes; pass
    ``recently_authenticated=False`` for a session signed in longer ago.
    """
    client.force_login(staff.user, backend="safepassage.accounts.backends.MembershipBackend")
    session = client.session
    session[SIGNED_IN_AT] = time.time()
    if second_factor:
        session[DEVICE_ID_SESSION_KEY] = staff.device.persistent_id
        if recently_authenticated:
            session[AUTHENTICATED_AT] = timezone.now().timestamp()
    session.save()
    return client

"""Migration accounts.0004 (decision 0050): existing authenticator seeds become sealed,
existing recovery codes keyed digests and existing security-key names sealed; each still
works afterwards."""

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_otp.oath import totp

from safepassage.accounts.models import Authenticator, RecoveryCodes, SecurityKey, User
from safepassage.accounts.two_factor_secrets import recovery_code_digest
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("accounts", "0003_securitykey")]
AFTER = [("accounts", "0004_sealed_two_factor_secrets")]
SEED = bytes(range(20))


@pytest.fixture(autouse=True)
def _latest_schema_afterwards() -> Iterator[None]:
    """Leave the database at the latest migrations for the next transactional test."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_existing_seeds_codes_and_key_names_are_sealed_or_digested() -> None:
    # Given clear rows as django-otp and the earlier schema stored them
    user = UserFactory.create()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    otp = [("otp_totp", "0003_add_timestamps"), ("otp_static", "0003_add_timestamps")]
    old = executor.loader.project_state([*BEFORE, *otp]).apps
    old.get_model("otp_totp", "TOTPDevice").objects.create(
        user_id=user.pk, name="authenticator", confirmed=True, key=SEED.hex()
    )
    static = old.get_model("otp_static", "StaticDevice").objects.create(
        user_id=user.pk, name="recovery codes", confirmed=True
    )
    old.get_model("otp_static", "StaticToken").objects.create(device=static, token="ab12-cd34-ef56")
    old.get_model("accounts", "SecurityKey").objects.create(
        user_id=user.pk, name="Anna's key", credential_id="AAAA", public_key=b"\x00"
    )

    # When the migration runs
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    # Then no clear value is left, and each still works through the new classes
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM otp_totp_totpdevice")
        (stored_key,) = cursor.fetchone()
        cursor.execute("SELECT token FROM otp_static_statictoken")
        (stored_token,) = cursor.fetchone()
        cursor.execute("SELECT name FROM accounts_securitykey")
        (stored_name,) = cursor.fetchone()
    assert SEED.hex() not in stored_key
    assert stored_key.startswith("s1:")
    assert stored_token == recovery_code_digest("ab12-cd34-ef56")
    assert stored_name == "security key"
    executor = MigrationExecutor(connection)  # the latest schema, which the models read
    executor.migrate(executor.loader.graph.leaf_nodes())
    fresh = User.objects.get(pk=user.pk)
    authenticator = Authenticator.objects.get(user=fresh)
    assert authenticator.bin_key == SEED
    assert authenticator.verify_token(f"{totp(SEED):06d}")
    assert RecoveryCodes.objects.get(user=fresh).verify_token("ab12-cd34-ef56")
    assert SecurityKey.objects.get(user=fresh).label == "Anna's key"

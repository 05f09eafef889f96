"""No secret leaks through repr, print or logging from the crypto core."""

import ast
from pathlib import Path

import pytest

from safepassage.core.crypto import (
    CodenamePeppers,
    CodenameSecrets,
    FieldContext,
    GroupKey,
    IntakeValue,
    SensitiveGroup,
    enrol_user_keys,
    generate_file_key,
    generate_key_pair,
    generate_organisation_recovery_key,
)
from tests.core.crypto.conftest import FAST_KDF

CRYPTO_SOURCE = Path(__file__).resolve().parents[3] / "src" / "safepassage" / "core" / "crypto"


def _secret_holders():
    key_pair = generate_key_pair()
    enrolment = enrol_user_keys(password="a long enough passphrase", parameters=FAST_KDF)
    recovery = generate_organisation_recovery_key()
    file_key = generate_file_key()
    peppers = CodenamePeppers(lookup=b"L" * 32, key=b"K" * 32)
    codename = CodenameSecrets(lookup_id="ab" * 32, key=b"S" * 32)
    group_key = GroupKey(
        case_id="case-a", group=SensitiveGroup.IDENTITY, version=1, secret=b"G" * 32
    )
    value = IntakeValue(
        group=SensitiveGroup.IDENTITY,
        context=FieldContext(model="m", field="f", row_id="r"),
        plaintext=b"Aslan Dudayev",
    )
    # Fixed ids: pytest-xdist needs every worker to collect the same test names, and
    # the default ids would embed these random secrets.
    return [
        pytest.param(key_pair, key_pair.private_key.raw, id="key_pair"),
        pytest.param(key_pair.private_key, key_pair.private_key.raw, id="private_key"),
        pytest.param(enrolment, enrolment.personal_recovery_key, id="enrolment"),
        pytest.param(recovery, recovery.private_key_text, id="recovery_key"),
        pytest.param(file_key, file_key.secret, id="file_key"),
        pytest.param(peppers, b"L" * 32, id="peppers_lookup"),
        pytest.param(peppers, b"K" * 32, id="peppers_key"),
        pytest.param(codename, b"S" * 32, id="codename_secrets"),
        pytest.param(group_key, b"G" * 32, id="group_key"),
        pytest.param(value, b"Aslan Dudayev", id="intake_value"),
    ]


@pytest.mark.parametrize(("holder", "secret"), _secret_holders())
def test_repr_never_shows_the_secret(holder, secret):
    text = repr(holder)

    if isinstance(secret, bytes):
        assert repr(secret) not in text
        assert secret.hex() not in text
    else:
        assert secret not in text


def test_the_core_never_prints_or_logs():
    offenders = []
    for path in sorted(CRYPTO_SOURCE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "print"
            ):
                offenders.append(f"{path.name}:{node.lineno} print")
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [alias.name for alias in node.names]
                module = getattr(node, "module", None) or ""
                if "logging" in names or module == "logging":
                    offenders.append(f"{path.name}:{node.lineno} logging")

    assert offenders == []

"""A software security key for tests: EC P-256, attestation "none", built by hand.

It produces exactly what a browser posts (py_webauthn's JSON shape, binary fields in
base64url) for ``navigator.credentials.create()`` and ``.get()``, and lets a test bend any
part: the origin, the relying party id, the challenge, the sign count.
"""

import hashlib
import json
import secrets
import struct
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.encode_cbor import encode_cbor

FLAG_USER_PRESENT = 0x01
FLAG_USER_VERIFIED = 0x04
FLAG_ATTESTED_CREDENTIAL = 0x40
ORIGIN = "http://localhost"
RP_ID = "localhost"


def _int_bytes(value: int) -> bytes:
    return value.to_bytes(32, "big")


@dataclass
class SoftwareAuthenticator:
    """One credential on one software key; ``sign_count`` grows with each assertion."""

    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    credential_id: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    sign_count: int = 0

    @property
    def credential_id_b64(self) -> str:
        return bytes_to_base64url(self.credential_id)

    def _cose_public_key(self) -> bytes:
        numbers = self.private_key.public_key().public_numbers()
        return encode_cbor(
            {1: 2, 3: -7, -1: 1, -2: _int_bytes(numbers.x), -3: _int_bytes(numbers.y)}
        )

    def register(self, options_json: str, *, origin: str = ORIGIN, rp_id: str | None = None) -> str:
        """The browser's answer to registration ``options_json`` (as the server sent it)."""
        options = json.loads(options_json)
        rp_id = options["rp"]["id"] if rp_id is None else rp_id
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        auth_data = (
            hashlib.sha256(rp_id.encode()).digest()
            + bytes([FLAG_USER_PRESENT | FLAG_USER_VERIFIED | FLAG_ATTESTED_CREDENTIAL])
            + struct.pack(">I", self.sign_count)
            + bytes(16)
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + self._cose_public_key()
        )
        attestation = encode_cbor({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return json.dumps(
            {
                "id": self.credential_id_b64,
                "rawId": self.credential_id_b64,
                "type": "public-key",
                "response": {
                    "clientDataJSON": bytes_to_base64url(client_data),
                    "attestationObject": bytes_to_base64url(attestation),
                    "transports": ["usb"],
                },
                "clientExtensionResults": {},
            }
        )

    def sign(
        self,
        options_json: str,
        *,
        origin: str = ORIGIN,
        rp_id: str | None = None,
        sign_count: int | None = None,
    ) -> str:
        """The browser's answer to sign-in ``options_json``; the sign count goes up by one
        unless ``sign_count`` is given."""
        options = json.loads(options_json)
        rp_id = options["rpId"] if rp_id is None else rp_id
        if sign_count is None:
            self.sign_count += 1
            sign_count = self.sign_count
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        auth_data = (
            hashlib.sha256(rp_id.encode()).digest()
            + bytes([FLAG_USER_PRESENT | FLAG_USER_VERIFIED])
            + struct.pack(">I", sign_count)
        )
        signature = self.private_key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return json.dumps(
            {
                "id": self.credential_id_b64,
                "rawId": self.credential_id_b64,
                "type": "public-key",
                "response": {
                    "clientDataJSON": bytes_to_base64url(client_data),
                    "authenticatorData": bytes_to_base64url(auth_data),
                    "signature": bytes_to_base64url(signature),
                },
                "clientExtensionResults": {},
            }
        )

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        # Re-encode the challenge so a test may pass one of its own.
        challenge = bytes_to_base64url(base64url_to_bytes(challenge))
        payload: dict[str, Any] = {
            "type": kind,
            "challenge": challenge,
            "origin": origin,
            "crossOrigin": False,
        }
        return json.dumps(payload).encode()

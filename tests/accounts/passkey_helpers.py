"""A software passkey for tests: a real P-256 key pair (cryptography) answering the server's options the way a
phone or security key does (WebAuthn level 2: attestation "none", ES256 assertions), so the server's checks run
for real in py_webauthn — signature, challenge, origin, relying party, counter — with nothing mocked."""

import hashlib
import json
import os
import struct
from dataclasses import dataclass, field

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

ORIGIN = "http://testserver"  # the Django test client's own address
USER_PRESENT, USER_VERIFIED, ATTESTED = 0x01, 0x04, 0x40


@dataclass
class SoftPasskey:
    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    credential_id: bytes = field(default_factory=lambda: os.urandom(32))
    sign_count: int = 0

    def _cose_public_key(self) -> bytes:
        numbers = self.private_key.public_key().public_numbers()
        # COSE_Key: kty EC2 (2), alg ES256 (-7), crv P-256 (1), x, y
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}).encode()

    def register(self, options: dict, *, origin: str = ORIGIN) -> dict:
        """The browser's answer to navigator.credentials.create(options), as the library's script sends it."""
        rp_id_hash = hashlib.sha256(options["rp"]["id"].encode()).digest()
        attested = (
            bytes(16)  # AAGUID: none given
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + self._cose_public_key()
        )
        auth_data = rp_id_hash + bytes([USER_PRESENT | USER_VERIFIED | ATTESTED]) + struct.pack(">I", 0) + attested
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        cid = bytes_to_base64url(self.credential_id)
        return {
            "id": cid,
            "rawId": cid,
            "type": "public-key",
            "response": {
                "clientDataJSON": bytes_to_base64url(client_data),
                "attestationObject": bytes_to_base64url(attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {"credProps": {"rk": True}},
            "authenticatorAttachment": "platform",
        }

    def assert_(self, options: dict, *, origin: str = ORIGIN, rp_id: str | None = None, offered_only=True) -> dict:
        """The browser's answer to navigator.credentials.get(options): the challenge signed with the private key.
        `offered_only=False` answers even when the server did not offer this passkey (as a hostile client could)."""
        allowed = [base64url_to_bytes(c["id"]) for c in options.get("allowCredentials", [])]
        if offered_only:
            assert not allowed or self.credential_id in allowed, "the server did not offer this passkey"
        self.sign_count += 1
        rp_id_hash = hashlib.sha256((rp_id or options["rpId"]).encode()).digest()
        auth_data = rp_id_hash + bytes([USER_PRESENT | USER_VERIFIED]) + struct.pack(">I", self.sign_count)
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signature = self.private_key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        cid = bytes_to_base64url(self.credential_id)
        return {
            "id": cid,
            "rawId": cid,
            "type": "public-key",
            "response": {
                "clientDataJSON": bytes_to_base64url(client_data),
                "authenticatorData": bytes_to_base64url(auth_data),
                "signature": bytes_to_base64url(signature),
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }


ADD = "/accounts/second-factor/passkeys/add/"
CHECK = "/accounts/second-factor/passkeys/check/"


def add_passkey(client, passkey: SoftPasskey):
    """Add `passkey` to the signed-in person's account, as the page's button does; returns the final answer."""
    options = client.post(f"{ADD}begin/")
    assert options.status_code == 200, options.content
    return client.post(f"{ADD}complete/", passkey.register(options.json()), content_type="application/json")


def check_with_passkey(client, passkey: SoftPasskey, *, next_url: str = "/", **tamper):
    options = client.post(f"{CHECK}begin/")
    assert options.status_code == 200, options.content
    answer = passkey.assert_(options.json(), **tamper)
    return client.post(f"{CHECK}complete/?next={next_url}", answer, content_type="application/json")

"""The backend's own keys: HMAC keys derived per purpose, and ES256 service-token keys.

`derived_key(purpose)` gives each use of `FIREBRICK_AUTH_SECRET` (step-up tokens,
CSRF tokens, TOTP secret encryption) its own key, so one leaked use cannot
forge another.

Service tokens are signed with the secret `SERVICE_TOKEN_KEYS` (JSON):

    {"active": "k2", "keys": [
        {"kid": "k2", "pem": "-----BEGIN PRIVATE KEY-----...", "notAfter": null},
        {"kid": "k1", "pem": "...", "notAfter": "2026-12-01T00:00:00Z"}]}

`active` signs new tokens; every key whose `notAfter` is unset or in the future
still verifies and is published at `/v1/.well-known/jwks.json` (the overlap
window). `scripts/rotate_signing_key.py` produces the next value. In development
(`config.development_secrets`) one key is derived from the project id: never
committed, public by construction, refused anywhere else.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from firebrick.clock import now
from firebrick.config import secret_bytes, secret_value

ALGORITHM = "ES256"


def derived_key(purpose: str) -> bytes:
    """A 32-byte key for one purpose of the auth secret (HMAC-based key derivation)."""
    return hmac.new(secret_bytes("FIREBRICK_AUTH_SECRET"), f"firebrick/{purpose}".encode(), hashlib.sha256).digest()


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: Any  # cryptography EllipticCurvePrivateKey
    not_after: datetime | None = None

    def usable(self, at: datetime) -> bool:
        return self.not_after is None or at < self.not_after

    @property
    def public_key(self) -> Any:
        return self.private_key.public_key()

    def jwk(self) -> dict[str, str]:
        """The public key as a JWK (RFC 7517/7518), for the JWKS endpoint."""
        numbers = self.public_key.public_numbers()

        def b64(n: int) -> str:
            return base64.urlsafe_b64encode(n.to_bytes(32, "big")).rstrip(b"=").decode()

        return {
            "kty": "EC",
            "crv": "P-256",
            "x": b64(numbers.x),
            "y": b64(numbers.y),
            "kid": self.kid,
            "use": "sig",
            "alg": ALGORITHM,
        }


@dataclass(frozen=True)
class KeySet:
    active: SigningKey
    keys: tuple[SigningKey, ...]

    def verification_key(self, kid: str, at: datetime | None = None) -> SigningKey | None:
        at = at or now()
        for key in self.keys:
            if key.kid == kid and key.usable(at):
                return key
        return None

    def published(self, at: datetime | None = None) -> list[dict[str, str]]:
        at = at or now()
        return [key.jwk() for key in self.keys if key.usable(at)]


def _load_pem(pem: str) -> Any:
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    key = load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise RuntimeError("service token keys must be P-256 EC private keys")
    return key


def _parse_time(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def parse_keyset(raw: str) -> KeySet:
    """A KeySet from the `SERVICE_TOKEN_KEYS` JSON; raises on anything malformed."""
    data = json.loads(raw)
    keys = tuple(
        SigningKey(str(k["kid"]), _load_pem(str(k["pem"])), _parse_time(k.get("notAfter"))) for k in data["keys"]
    )
    active = next((k for k in keys if k.kid == data["active"]), None)
    if active is None:
        raise RuntimeError("SERVICE_TOKEN_KEYS: the active kid is not among the keys")
    if len({k.kid for k in keys}) != len(keys):
        raise RuntimeError("SERVICE_TOKEN_KEYS: duplicate kid")
    return KeySet(active, keys)


def development_keyset_json(seed: str) -> str:
    """A `SERVICE_TOKEN_KEYS` value holding one key derived from `seed` (development only)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551  # P-256 group order
    key = ec.derive_private_key(int(seed, 16) % (order - 1) + 1, ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return json.dumps({"active": "dev-1", "keys": [{"kid": "dev-1", "pem": pem, "notAfter": None}]})


@lru_cache(maxsize=1)
def configured_keyset() -> KeySet:
    """The process's key set, from the `SERVICE_TOKEN_KEYS` secret (or its development stand-in)."""
    return parse_keyset(secret_value("SERVICE_TOKEN_KEYS"))

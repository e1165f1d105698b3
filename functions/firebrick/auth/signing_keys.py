"""The backend's own ES256 signing keys for service tokens, with rotation.

Configured by the secret `SERVICE_TOKEN_KEYS` (JSON, bound from Secret Manager):

    {"active": "k2", "keys": [
        {"kid": "k2", "pem": "-----BEGIN PRIVATE KEY-----...", "notAfter": null},
        {"kid": "k1", "pem": "...", "notAfter": "2026-12-01T00:00:00Z"}]}

`active` signs new tokens; every key whose `notAfter` is unset or in the future
still verifies and is published at `/v1/.well-known/jwks.json` (the overlap
window). `scripts/rotate_signing_key.py` produces the next value. For `demo-*`
projects with no secret, one dev key is derived from the project id at runtime:
never committed, public by construction, refused for any other project.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from firebrick.auth.settings import is_demo_project
from firebrick.clock import now
from firebrick.config import get_settings

ENV_VAR = "SERVICE_TOKEN_KEYS"
ALGORITHM = "ES256"


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

        return {"kty": "EC", "crv": "P-256", "x": b64(numbers.x), "y": b64(numbers.y),
                "kid": self.kid, "use": "sig", "alg": ALGORITHM}


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


def _dev_keyset() -> KeySet:
    from cryptography.hazmat.primitives.asymmetric import ec

    seed = hashlib.sha256(f"firebrick-dev-service-token-key:{get_settings().project_id}".encode()).digest()
    order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551  # P-256 group order
    key = SigningKey("dev-1", ec.derive_private_key(int.from_bytes(seed, "big") % (order - 1) + 1, ec.SECP256R1()))
    return KeySet(key, (key,))


@lru_cache(maxsize=1)
def configured_keyset() -> KeySet:
    """The process's key set: from the secret, or the derived dev key for demo-* projects only."""
    raw = os.environ.get(ENV_VAR)
    if raw:
        return parse_keyset(raw)
    if not is_demo_project():
        raise RuntimeError(f"{ENV_VAR} is not set (required outside demo-* projects)")
    return _dev_keyset()

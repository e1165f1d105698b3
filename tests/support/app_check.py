"""App Check tokens the tests sign, and the key set a test instance verifies them against.

An App Check token is an RS256 JWT from `https://firebaseappcheck.googleapis.com/<project
number>` for audience `projects/<number>` and `projects/<id>`, its subject the app id.
`APP_CHECK_JWKS` (emulators only) hands the instance our public key instead of Google's.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import jwt

PROJECT_NUMBER = "123456789012"
APP_ID = f"1:{PROJECT_NUMBER}:web:0123456789abcdef"
KID = "test-app-check-key"


def rsa_key() -> Any:
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class AppCheckKeys:
    """A signing key and its JWKS document; `sign(project_id)` makes a valid token, overrides make bad ones."""

    key: Any = field(default_factory=rsa_key)

    @property
    def jwks(self) -> str:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return json.dumps({"keys": [{**public, "kid": KID, "alg": "RS256", "use": "sig"}]})

    def sign(self, project_id: str, *, key: Any = None, kid: str = KID, **claims: Any) -> str:
        now = int(time.time())
        payload = {
            "iss": f"https://firebaseappcheck.googleapis.com/{PROJECT_NUMBER}",
            "sub": APP_ID,
            "aud": [f"projects/{PROJECT_NUMBER}", f"projects/{project_id}"],
            "iat": now,
            "exp": now + 3600,
            **claims,
        }
        return jwt.encode(payload, key or self.key, algorithm="RS256", headers={"kid": kid, "typ": "JWT"})

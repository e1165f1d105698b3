"""Service tokens: ES256 JWTs for machine clients, bound to one org, revocable by id.

Format: `fbst_` + a compact JWT. The prefix routes a bearer token to this
verifier (never to the Firebase one, and vice versa), so the kinds cannot be
confused. The only accepted algorithm is ES256; the key is chosen by `kid` among
our own published keys; `iss`, `aud`, `exp`, `nbf`, `iat`, `jti` are required.
Role is at most `member`. Each use also checks the token's record
`orgs/{orgId}/tokens/{jti}` (exists, not revoked), cached per instance for
`REVOCATION_CACHE_SECONDS`; a revoke applies at once in its instance and, published
(`auth/revocations.py`), within 5 s in every other.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from firebrick import paths
from firebrick.auth.keys import ALGORITHM, KeySet, configured_keyset
from firebrick.auth.principal import Principal, PrincipalKind
from firebrick.config import get_settings
from firebrick.errors import Unauthenticated
from firebrick.logs import get_logger, log_event
from firebrick.policy import Role

if TYPE_CHECKING:
    from google.cloud.firestore import Client

SERVICE_TOKEN_PREFIX = "fbst_"  # noqa: S105 (a format marker, not a secret)
ALGORITHMS = [ALGORITHM]
MAX_ROLE = Role.member
REVOCATION_CACHE_SECONDS = 10.0
LEEWAY_SECONDS = 30
_REQUIRED = ["iss", "aud", "sub", "exp", "nbf", "iat", "jti"]
_INVALID = "Invalid or expired credentials"

logger = get_logger("auth.service_tokens")
_status_cache: dict[str, tuple[float, bool]] = {}
_cache_lock = threading.Lock()


def issuer() -> str:
    return f"https://firebrick.dev/{get_settings().project_id}/service-tokens"


def audience() -> str:
    return f"firebrick-api:{get_settings().project_id}"


def mint_service_token(
    org_id: str, token_id: str, role: Role, expires_at: datetime, *, keyset: KeySet | None = None
) -> str:
    """Sign a service token with the active key."""
    import jwt

    if role > MAX_ROLE:
        raise ValueError("service tokens carry at most the member role")
    keyset = keyset or configured_keyset()
    issued = int(time.time())
    claims = {
        "iss": issuer(),
        "aud": audience(),
        "sub": f"svc:{token_id}",
        "org": org_id,
        "role": role.name,
        "jti": token_id,
        "iat": issued,
        "nbf": issued,
        "exp": int(expires_at.timestamp()),
    }
    signed = jwt.encode(
        claims, keyset.active.private_key, algorithm=ALGORITHM, headers={"kid": keyset.active.kid, "typ": "JWT"}
    )
    return SERVICE_TOKEN_PREFIX + signed


def _refuse(reason: str, exc: Exception | None = None) -> Unauthenticated:
    log_event(logger, 30, "service token refused", reason=reason, error=type(exc).__name__ if exc else None)
    return Unauthenticated(_INVALID)


def decode_service_token(token: str, *, keyset: KeySet | None = None) -> dict[str, Any]:
    """The verified claims of a service token (signature, algorithm, kid, time, iss/aud, shape)."""
    import jwt

    if not token.startswith(SERVICE_TOKEN_PREFIX):
        raise _refuse("prefix")
    raw = token[len(SERVICE_TOKEN_PREFIX) :]
    keyset = keyset or configured_keyset()
    try:
        # The header only picks which of our keys to verify with; nothing is trusted before decode().
        header = jwt.get_unverified_header(raw)
    except jwt.PyJWTError as exc:
        raise _refuse("header", exc) from exc
    kid = header.get("kid")
    if header.get("alg") != ALGORITHM or not isinstance(kid, str):
        raise _refuse("alg_or_kid")
    key = keyset.verification_key(kid)
    if key is None:
        raise _refuse("unknown_kid")
    try:
        claims: dict[str, Any] = jwt.decode(
            raw,
            key.public_key,
            algorithms=ALGORITHMS,
            audience=audience(),
            issuer=issuer(),
            leeway=LEEWAY_SECONDS,
            options={"require": _REQUIRED, "verify_signature": True},
        )
    except jwt.PyJWTError as exc:
        raise _refuse("claims", exc) from exc
    role = claims.get("role")
    org_id, jti = claims.get("org"), claims.get("jti")
    if not (isinstance(org_id, str) and org_id and isinstance(jti, str) and jti and claims.get("sub") == f"svc:{jti}"):
        raise _refuse("shape")
    named = Role.named(role)
    if named is None or named > MAX_ROLE:
        raise _refuse("role")
    return claims


def forget_service_token(org_id: str, token_id: str) -> None:
    """Drop the cached status of a token in this instance."""
    with _cache_lock:
        _status_cache.pop(f"{org_id}/{token_id}", None)


def service_token_revoked(db: Client, org_id: str, token_id: str) -> None:
    """A token was revoked: evict here at once, and publish it for every other instance."""
    from firebrick.auth.revocations import publish_service_token

    forget_service_token(org_id, token_id)
    publish_service_token(db, org_id, token_id)


def _token_active(db: Client, org_id: str, token_id: str) -> bool:
    from firebrick.auth.revocations import sync

    sync(db)  # what other instances revoked leaves the cache first
    key = f"{org_id}/{token_id}"
    now_mono = time.monotonic()
    with _cache_lock:
        cached = _status_cache.get(key)
    if cached and cached[0] > now_mono:
        return cached[1]
    snapshot = db.document(paths.token(org_id, token_id)).get()
    data = (snapshot.to_dict() or {}) if snapshot.exists else {}
    active = bool(snapshot.exists and data.get("revokedAt") is None and data.get("orgId") == org_id)
    with _cache_lock:
        if len(_status_cache) > 10_000:
            _status_cache.clear()
        _status_cache[key] = (now_mono + REVOCATION_CACHE_SECONDS, active)
    return active


def verify_service_token(token: str, *, db: Client | None = None, keyset: KeySet | None = None) -> Principal:
    """A service Principal for a valid, unrevoked token; Unauthenticated otherwise (no details)."""
    from firebrick.clients import firestore_client

    claims = decode_service_token(token, keyset=keyset)
    org_id, token_id = str(claims["org"]), str(claims["jti"])
    if not _token_active(db or firestore_client(), org_id, token_id):
        raise _refuse("revoked")
    return Principal(
        uid=f"svc:{token_id}",
        kind=PrincipalKind.service,
        service_org_id=org_id,
        service_role=Role[str(claims["role"])],
    )

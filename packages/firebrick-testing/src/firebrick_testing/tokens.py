"""Unsigned Firebase ID tokens: what the emulators (and firebase_admin in emulator mode) accept.

The Firestore, Storage and Auth emulators and `firebase_admin.auth.verify_id_token`
with FIREBASE_AUTH_EMULATOR_HOST set decode an ID token without checking its
signature, so a test can name any uid and claims without creating a user.
Production rejects these tokens (alg none, no key id).
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Mapping
from typing import Any

#: Claims every Firebase ID token carries; anything else is a custom claim.
STANDARD_CLAIMS = frozenset(
    {"iss", "aud", "auth_time", "user_id", "sub", "iat", "exp", "firebase", "uid", "email", "email_verified"}
)


def _b64url(data: Mapping[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).rstrip(b"=").decode()


def unsigned_id_token(
    uid: str, project_id: str, claims: Mapping[str, Any] | None = None, *, issued_at: int | None = None
) -> str:
    """An ID token for `uid` in `project_id` with `claims` (which may override the standard ones)."""
    if not uid or len(uid) > 128:
        raise ValueError(f"a Firebase uid has 1 to 128 characters, got {uid!r}")
    now = int(time.time()) if issued_at is None else issued_at
    payload: dict[str, Any] = {
        "iss": f"https://securetoken.google.com/{project_id}",
        "aud": project_id,
        "auth_time": now,
        "user_id": uid,
        "sub": uid,
        "iat": now,
        "exp": now + 3600,
        "firebase": {"identities": {}, "sign_in_provider": "custom"},
    }
    payload.update(claims or {})
    return f"{_b64url({'alg': 'none', 'typ': 'JWT'})}.{_b64url(payload)}."


def token_payload(token: str) -> dict[str, Any] | None:
    """The payload of a JWT without verifying it; None when `token` is not a JWT."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, binascii.Error):
        return None
    return payload if isinstance(payload, dict) else None


def custom_claims(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The claims of a token payload that are not standard Firebase ones."""
    return {k: v for k, v in payload.items() if k not in STANDARD_CLAIMS}

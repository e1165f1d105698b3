"""Verify Firebase ID tokens, honouring revocation (logout revokes refresh tokens)."""

from __future__ import annotations

from typing import Any

from firebrick.auth.principal import Principal, PrincipalKind
from firebrick.clients import firebase_app
from firebrick.errors import Unauthenticated


def verify_firebase_id_token(token: str) -> Principal:
    """A Principal from a Firebase ID token, or Unauthenticated (never why, to the client)."""
    from firebase_admin import auth

    try:
        decoded: dict[str, Any] = auth.verify_id_token(token, app=firebase_app(), check_revoked=True)
    except (auth.RevokedIdTokenError, auth.UserDisabledError, auth.InvalidIdTokenError, ValueError) as exc:
        raise Unauthenticated("Invalid or expired credentials") from exc
    return Principal(
        uid=str(decoded["uid"]),
        kind=PrincipalKind.user,
        email=decoded.get("email"),
        email_verified=bool(decoded.get("email_verified", False)),
        claims=decoded,
    )

"""One entry point from "what the request presented" to a verified Principal.

Bearer tokens: service tokens (recognised by their prefix, verified by the
service-token verifier) or Firebase ID tokens. Otherwise the `__session` cookie,
with the CSRF check for state-changing methods. Each token kind has exactly one
verification path; nothing is decoded without being verified.
"""

from __future__ import annotations

from dataclasses import dataclass

from firebrick.auth.principal import Principal
from firebrick.errors import PermissionDenied, Unauthenticated, raises

_MAX_CREDENTIAL_CHARS = 8192


@dataclass(frozen=True, slots=True)
class Presented:
    """The credential material of one request (no verification yet)."""

    bearer: str | None
    session_cookie: str | None
    method: str
    csrf_token: str | None = None
    origin: str | None = None


@raises(Unauthenticated, PermissionDenied)
def authenticate(presented: Presented) -> Principal:
    """The verified caller, or Unauthenticated/PermissionDenied (CSRF). Blocking: run in a thread."""
    from firebrick.auth.sessions import check_csrf
    from firebrick.auth.tokens import verify_firebase_id_token, verify_session_cookie

    if presented.bearer:
        if len(presented.bearer) > _MAX_CREDENTIAL_CHARS:
            raise Unauthenticated("Invalid or expired credentials")
        from firebrick.auth.service_tokens import SERVICE_TOKEN_PREFIX, verify_service_token

        if presented.bearer.startswith(SERVICE_TOKEN_PREFIX):
            return verify_service_token(presented.bearer)
        return verify_firebase_id_token(presented.bearer)
    if presented.session_cookie:
        if len(presented.session_cookie) > _MAX_CREDENTIAL_CHARS:
            raise Unauthenticated("Invalid or expired credentials")
        principal = verify_session_cookie(presented.session_cookie)
        check_csrf(presented.session_cookie, presented.method, presented.csrf_token, presented.origin)
        return principal
    raise Unauthenticated("A bearer token or session cookie is required")

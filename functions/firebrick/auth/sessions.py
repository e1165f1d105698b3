"""Session cookies (`__session`) and their CSRF defence.

Cookie: HttpOnly, Secure, SameSite=Strict, Path=/, 5 days (Firebase session
cookie, verified like an ID token and revoked with the user's refresh tokens).
`__session` is the only cookie Firebase Hosting forwards to functions.

CSRF: SameSite=Strict already keeps cross-site requests cookie-less in modern
browsers; on top, every state-changing request authenticated by the cookie must
carry `X-CSRF-Token` equal to HMAC(key, cookie) (a double-submit token bound to
this very session, so a planted cookie or a token of another session fails). The
token is returned when the session is created, in a readable `__csrf` cookie and
header. When `session_allowed_origins` is set, an `Origin` outside it is refused too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from datetime import timedelta

from firebrick.auth.keys import derived_key
from firebrick.auth.principal import Principal
from firebrick.auth.tokens import decode_firebase_id_token, principal_from_decoded
from firebrick.clients import firebase_app
from firebrick.config import get_settings
from firebrick.errors import PermissionDenied, Unauthenticated, raises

SESSION_COOKIE = "__session"
CSRF_COOKIE = "__csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_MAX_COOKIE_CHARS = 4096


def csrf_token_for(session_cookie: str) -> str:
    """The CSRF token bound to one session cookie."""
    mac = hmac.new(derived_key("csrf"), session_cookie.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def check_csrf(session_cookie: str, method: str, header_token: str | None, origin: str | None) -> None:
    """Refuse a state-changing cookie request without the session's CSRF token (or from a foreign origin)."""
    if method.upper() in SAFE_METHODS:
        return
    allowed = get_settings().session_origin_set
    if origin and allowed and origin.rstrip("/") not in allowed:
        raise PermissionDenied("Cross-site request refused", reason="csrf")
    if not header_token or not hmac.compare_digest(header_token, csrf_token_for(session_cookie)):
        raise PermissionDenied("Missing or invalid CSRF token", reason="csrf")


def session_max_age() -> int:
    return get_settings().session_cookie_days * 86400


@raises(Unauthenticated)
def create_session_cookie(id_token: str) -> tuple[str, Principal]:
    """A new session cookie from a current ID token of a recent sign-in, and its principal."""
    from firebase_admin import auth

    decoded = decode_firebase_id_token(id_token)
    recent = get_settings().session_recent_sign_in_seconds
    if time.time() - float(decoded.get("auth_time", 0)) > recent:
        raise Unauthenticated("Sign in again to start a session")
    try:
        cookie = auth.create_session_cookie(
            id_token, expires_in=timedelta(seconds=session_max_age()), app=firebase_app()
        )
    except (auth.InvalidIdTokenError, ValueError) as exc:
        raise Unauthenticated("Invalid or expired credentials") from exc
    text = cookie.decode() if isinstance(cookie, bytes) else str(cookie)
    if len(text) > _MAX_COOKIE_CHARS:
        raise Unauthenticated("Session too large")
    return text, principal_from_decoded(decoded)

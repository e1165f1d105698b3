"""Verify Firebase ID tokens and session cookies, honouring revocation and disabled users.

Signatures, expiry, issuer and audience are checked by firebase_admin (public
keys cached per their Cache-Control). Revocation needs the user record
(`tokensValidAfterTime`, `disabled`): one Auth lookup, which we reuse for
`revocation_cache_seconds` per uid. Every change to a user's access made in
this process (logout, account deletion, `scripts/admin` revoke-*, disable) goes
through `user_access_changed`, which evicts at once (`forget_user` also keeps a
lookup that was already in flight from caching its older answer) and publishes
the change: other instances evict it within seconds (`auth/revocations.py`), so a
revoked credential or a disabled user is refused everywhere in under 5 s. The
Auth emulator implements revocation too, so the same path runs in tests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from firebrick.auth.principal import Principal, PrincipalKind
from firebrick.clients import firebase_app
from firebrick.config import get_settings
from firebrick.errors import Unauthenticated
from firebrick.logs import get_logger, log_event

logger = get_logger("auth.tokens")
_INVALID = "Invalid or expired credentials"

# uid -> (monotonic expiry, tokens valid after (epoch seconds), disabled)
_user_states: dict[str, tuple[float, float, bool]] = {}
_states_lock = threading.Lock()
_MAX_CACHED = 10_000
#: Moves on every `forget_user`: a lookup started before it must not cache what it read.
_forgotten = 0


def forget_user(uid: str) -> None:
    """Drop the cached revocation state of `uid` in this instance (`user_access_changed` tells the others too)."""
    global _forgotten
    with _states_lock:
        _user_states.pop(uid, None)
        _forgotten += 1


def user_access_changed(uid: str) -> None:
    """`uid` was revoked, disabled or deleted: evict here at once, and publish it for every other instance."""
    from firebrick.auth.revocations import publish_user
    from firebrick.clients import firestore_client

    forget_user(uid)
    publish_user(firestore_client(), uid)


def revoke_user_sessions(uid: str, *, issued_up_to: float) -> None:
    """Revoke every refresh token and session of `uid`: credentials issued up to `issued_up_to` stop working.

    Firebase compares whole seconds (`auth_time < validSince`), so this waits (about
    a second at most) until the clock has left the second of `issued_up_to`:
    otherwise a credential issued in that very second would survive.
    """
    from firebase_admin import auth

    deadline = time.monotonic() + 1.5
    while int(time.time()) <= int(issued_up_to) and time.monotonic() < deadline:
        time.sleep(0.05)
    auth.revoke_refresh_tokens(uid, app=firebase_app())
    user_access_changed(uid)


def _user_state(uid: str) -> tuple[float, bool]:
    """(tokens valid after, disabled) for `uid`, from cache or one Auth lookup."""
    from firebase_admin import auth

    from firebrick.auth.revocations import sync
    from firebrick.clients import firestore_client

    sync(firestore_client())  # what other instances revoked leaves the cache first
    ttl = get_settings().revocation_cache_seconds
    now_mono = time.monotonic()
    with _states_lock:
        cached = _user_states.get(uid)
        generation = _forgotten
    if cached and cached[0] > now_mono:
        return cached[1], cached[2]
    try:
        user = auth.get_user(uid, app=firebase_app())
    except auth.UserNotFoundError as exc:
        raise Unauthenticated(_INVALID) from exc
    valid_after = (user.tokens_valid_after_timestamp or 0) / 1000.0
    state = (now_mono + ttl, valid_after, bool(user.disabled))
    if ttl > 0:
        with _states_lock:
            if generation != _forgotten:
                return valid_after, bool(user.disabled)  # access changed meanwhile: answer, do not keep
            if len(_user_states) >= _MAX_CACHED:
                _user_states.clear()  # crude bound; a cold cache only costs lookups
            _user_states[uid] = state
    return valid_after, bool(user.disabled)


def _ensure_current(decoded: dict[str, Any]) -> None:
    """Refuse credentials of disabled users and those issued before the last revocation."""
    valid_after, disabled = _user_state(str(decoded["uid"]))
    if disabled:
        raise Unauthenticated(_INVALID)
    # Same comparison as firebase_admin's check_revoked: auth_time has second precision.
    if float(decoded.get("auth_time", 0)) < valid_after:
        raise Unauthenticated(_INVALID)


def principal_from_decoded(decoded: dict[str, Any]) -> Principal:
    return Principal(
        uid=str(decoded["uid"]),
        kind=PrincipalKind.user,
        email=decoded.get("email"),
        email_verified=bool(decoded.get("email_verified", False)),
        claims=decoded,
    )


def _verify(kind: str, verify: Callable[[], dict[str, Any]]) -> Principal:
    from firebase_admin import auth

    try:
        decoded = verify()
    except (auth.InvalidIdTokenError, auth.InvalidSessionCookieError, ValueError) as exc:
        log_event(logger, 20, "credential refused", kind=kind, reason=type(exc).__name__)
        raise Unauthenticated(_INVALID) from exc
    _ensure_current(decoded)
    return principal_from_decoded(decoded)


def decode_firebase_id_token(token: str) -> dict[str, Any]:
    """The verified claims of a current ID token (signature, expiry, revocation), or Unauthenticated."""
    from firebase_admin import auth

    try:
        decoded: dict[str, Any] = auth.verify_id_token(token, app=firebase_app(), check_revoked=False)
    except (auth.InvalidIdTokenError, ValueError) as exc:
        raise Unauthenticated(_INVALID) from exc
    _ensure_current(decoded)
    return decoded


def verify_firebase_id_token(token: str) -> Principal:
    """A Principal from a Firebase ID token, or Unauthenticated (never why, to the client)."""
    from firebase_admin import auth

    return _verify("id_token", lambda: auth.verify_id_token(token, app=firebase_app(), check_revoked=False))


def verify_session_cookie(cookie: str) -> Principal:
    """A Principal from a `__session` cookie, or Unauthenticated."""
    from firebase_admin import auth

    return _verify(
        "session_cookie", lambda: auth.verify_session_cookie(cookie, app=firebase_app(), check_revoked=False)
    )

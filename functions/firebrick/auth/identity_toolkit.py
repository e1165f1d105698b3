"""Client for the Identity Toolkit and Secure Token REST APIs (password sign-up/in, refresh).

These are the endpoints the Firebase client SDKs call; the backend calls them
for `/v1/auth/register|login|refresh` so blocking functions fire exactly as for
SDK clients. With FIREBASE_AUTH_EMULATOR_HOST set they point at the emulator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from firebrick.config import get_settings

# Sign-up and sign-in wait for the blocking functions (up to 7 s each, plus cold starts).
_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
_client: httpx.Client | None = None


class IdentityToolkitError(Exception):
    """The API refused the call; `reason` is its error code (e.g. EMAIL_EXISTS). Never shown to clients."""

    def __init__(self, reason: str, status: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True, slots=True)
class TokenSet:
    """What a successful sign-up, sign-in or refresh returns."""

    uid: str
    id_token: str
    refresh_token: str
    expires_in: int


def _http() -> httpx.Client:
    global _client
    if _client is None:
        _client = httpx.Client(timeout=_TIMEOUT)
    return _client


def _bases() -> tuple[str, str]:
    host = get_settings().firebase_auth_emulator_host
    if host:
        return f"http://{host}/identitytoolkit.googleapis.com/v1", f"http://{host}/securetoken.googleapis.com/v1"
    return "https://identitytoolkit.googleapis.com/v1", "https://securetoken.googleapis.com/v1"


def _reason(response: httpx.Response) -> str:
    try:
        message = response.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        return f"HTTP_{response.status_code}"
    # Messages look like "WEAK_PASSWORD : Password should be ...": keep the code.
    return str(message).split(" ", 1)[0].split(":", 1)[0].strip() or f"HTTP_{response.status_code}"


def _post(url: str, **kwargs: Any) -> dict[str, Any]:
    params = {"key": get_settings().identity_toolkit_key}
    try:
        response = _http().post(url, params=params, **kwargs)
    except httpx.HTTPError as exc:
        raise IdentityToolkitError("UNAVAILABLE", 503) from exc
    if response.status_code != 200:
        raise IdentityToolkitError(_reason(response), response.status_code)
    data: dict[str, Any] = response.json()
    return data


def sign_up(email: str, password: str, display_name: str) -> TokenSet:
    """Create a password user (fires `before_user_created`) and return their first tokens."""
    base, _ = _bases()
    data = _post(
        f"{base}/accounts:signUp",
        json={"email": email, "password": password, "displayName": display_name, "returnSecureToken": True},
    )
    return TokenSet(str(data["localId"]), str(data["idToken"]), str(data["refreshToken"]), int(data["expiresIn"]))


def sign_in_with_password(email: str, password: str) -> TokenSet:
    """Sign a password user in (fires `before_user_signed_in`)."""
    base, _ = _bases()
    data = _post(
        f"{base}/accounts:signInWithPassword",
        json={"email": email, "password": password, "returnSecureToken": True},
    )
    return TokenSet(str(data["localId"]), str(data["idToken"]), str(data["refreshToken"]), int(data["expiresIn"]))


def refresh(refresh_token: str) -> TokenSet:
    """Exchange a refresh token for a new ID token (refused once the user's tokens are revoked)."""
    _, secure = _bases()
    data = _post(f"{secure}/token", data={"grant_type": "refresh_token", "refresh_token": refresh_token})
    return TokenSet(str(data["user_id"]), str(data["id_token"]), str(data["refresh_token"]), int(data["expires_in"]))

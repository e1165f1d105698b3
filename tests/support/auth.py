"""Users on the Auth emulator: create with chosen claims, and the ID tokens tests present.

A user is created through the emulator's admin API (no blocking function fires)
and presents an unsigned ID token with its claims, which the emulators and
firebase_admin in emulator mode accept: no sign-in round trip per test user.
Tests that need what a real sign-in gives (a refresh token, a token the Auth
emulator minted, the blocking functions firing) call `user.sign_in()`.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from firebrick_testing import unsigned_id_token

# The Auth emulator accepts any API key and treats `Bearer owner` as an admin.
API_KEY = "demo-api-key"
ADMIN_HEADERS = {"Authorization": "Bearer owner"}
DEFAULT_PASSWORD = "correct-horse-battery-9"


@dataclass
class AuthUser:
    uid: str
    email: str
    password: str
    id_token: str
    claims: dict[str, Any] = field(default_factory=dict)
    auth: AuthEmulator | None = field(default=None, repr=False)
    _refresh_token: str | None = field(default=None, repr=False)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.id_token}"}

    def sign_in(self) -> AuthUser:
        """Sign in for real (fires `before_user_signed_in`): a minted ID token and a refresh token."""
        assert self.auth is not None
        response = self.auth.sign_in(self.email, self.password)
        response.raise_for_status()
        data = response.json()
        self.id_token, self._refresh_token = data["idToken"], data["refreshToken"]
        return self

    @property
    def refresh_token(self) -> str:
        if self._refresh_token is None:
            self.sign_in()
        assert self._refresh_token is not None
        return self._refresh_token


def unsigned_token(uid: str, project_id: str, claims: dict[str, Any] | None = None, **overrides: Any) -> str:
    """An unsigned ID token with exactly these claims (and any standard claim overridden)."""
    return unsigned_id_token(uid, project_id, {**(claims or {}), **overrides})


class AuthEmulator:
    """Thin client for the Auth emulator's REST API (Identity Toolkit + emulator admin)."""

    def __init__(self, host: str, project_id: str) -> None:
        self.base = f"http://{host}"
        self.project_id = project_id
        self.http = httpx.Client(timeout=30)

    def _idt(self, method: str) -> str:
        return f"{self.base}/identitytoolkit.googleapis.com/v1/accounts:{method}?key={API_KEY}"

    def sign_up(self, email: str, password: str, display_name: str | None = None) -> httpx.Response:
        """Client-style sign-up: fires the before_user_created blocking function."""
        body: dict[str, Any] = {"email": email, "password": password, "returnSecureToken": True}
        if display_name:
            body["displayName"] = display_name
        return self.http.post(self._idt("signUp"), json=body)

    def sign_in(self, email: str, password: str) -> httpx.Response:
        """Client-style sign-in: fires the before_user_signed_in blocking function."""
        return self.http.post(
            self._idt("signInWithPassword"), json={"email": email, "password": password, "returnSecureToken": True}
        )

    def admin_create(
        self, email: str, password: str, display_name: str | None = None, claims: dict[str, Any] | None = None
    ) -> str:
        """Create a user as an admin would (no blocking functions fire); returns the uid."""
        uid = uuid.uuid4().hex[:28]
        user: dict[str, Any] = {"localId": uid, "email": email, "emailVerified": True, "rawPassword": password}
        if display_name:
            user["displayName"] = display_name
        if claims:
            user["customAttributes"] = json.dumps(claims)
        url = f"{self.base}/identitytoolkit.googleapis.com/v1/projects/{self.project_id}/accounts:batchCreate"
        response = self.http.post(url, json={"users": [user]}, headers=ADMIN_HEADERS)
        response.raise_for_status()
        if response.json().get("error"):
            raise AssertionError(f"the Auth emulator refused the user: {response.text}")
        return uid

    def set_claims(self, uid: str, claims: dict[str, Any]) -> None:
        url = f"{self.base}/identitytoolkit.googleapis.com/v1/projects/{self.project_id}/accounts:update"
        body = {"localId": uid, "customAttributes": json.dumps(claims)}
        self.http.post(url, json=body, headers=ADMIN_HEADERS).raise_for_status()

    def create_user(
        self,
        *,
        email: str | None = None,
        password: str = DEFAULT_PASSWORD,
        display_name: str | None = None,
        claims: dict[str, Any] | None = None,
        sign_in: bool = False,
    ) -> AuthUser:
        """A user with `claims` in the token it presents (`sign_in=True`: a real sign-in's tokens)."""
        email = email or f"user-{uuid.uuid4().hex[:10]}@example.com"
        uid = self.admin_create(email, password, display_name, claims)
        token_claims: dict[str, Any] = {**(claims or {}), "email": email, "email_verified": True}
        if display_name:
            token_claims["name"] = display_name
        user = AuthUser(
            uid, email, password, unsigned_token(uid, self.project_id, token_claims), dict(claims or {}), self
        )
        return user.sign_in() if sign_in else user

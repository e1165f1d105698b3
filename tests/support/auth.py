"""Users on the Auth emulator: create with chosen claims, sign in, mint test tokens."""

from __future__ import annotations

import base64
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

# The Auth emulator accepts any API key and treats `Bearer owner` as an admin.
API_KEY = "demo-api-key"
ADMIN_HEADERS = {"Authorization": "Bearer owner"}


@dataclass
class AuthUser:
    uid: str
    email: str
    password: str
    id_token: str
    refresh_token: str
    claims: dict[str, Any] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.id_token}"}


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

    def admin_create(self, email: str, password: str, display_name: str | None = None) -> str:
        """Create a user as an admin would (no blocking functions); returns the uid."""
        body: dict[str, Any] = {"email": email, "password": password, "emailVerified": True}
        if display_name:
            body["displayName"] = display_name
        url = f"{self.base}/identitytoolkit.googleapis.com/v1/projects/{self.project_id}/accounts"
        response = self.http.post(url, json=body, headers=ADMIN_HEADERS)
        response.raise_for_status()
        return str(response.json()["localId"])

    def set_claims(self, uid: str, claims: dict[str, Any]) -> None:
        url = f"{self.base}/identitytoolkit.googleapis.com/v1/projects/{self.project_id}/accounts:update"
        body = {"localId": uid, "customAttributes": json.dumps(claims)}
        self.http.post(url, json=body, headers=ADMIN_HEADERS).raise_for_status()

    def create_user(
        self,
        *,
        email: str | None = None,
        password: str = "correct-horse-battery-9",
        display_name: str | None = None,
        claims: dict[str, Any] | None = None,
    ) -> AuthUser:
        """A signed-in user with `claims` already in its first ID token."""
        email = email or f"user-{uuid.uuid4().hex[:10]}@example.com"
        uid = self.admin_create(email, password, display_name)
        if claims:
            self.set_claims(uid, claims)
        tokens = self.sign_in(email, password)
        tokens.raise_for_status()
        data = tokens.json()
        return AuthUser(uid, email, password, data["idToken"], data["refreshToken"], dict(claims or {}))


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def unsigned_token(uid: str, project_id: str, claims: dict[str, Any] | None = None, **overrides: Any) -> str:
    """An unsigned ID token (alg none) the emulators accept: fast rules tests with exact claims."""
    now = int(time.time())
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
    payload.update(overrides)
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(payload)}."

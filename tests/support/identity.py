"""Helpers for identity tests: read JWT payloads, TOTP codes, Set-Cookie attributes."""

from __future__ import annotations

import base64
import json
import time
import uuid
from http.cookies import SimpleCookie
from typing import Any

import httpx

STRONG_PASSWORD = "violet-anchor-river-58"


def jwt_payload(token: str) -> dict[str, Any]:
    """The payload of a JWT, for asserting on claims (tests only; the server verifies)."""
    part = token.split(".")[1]
    data: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return data


def new_email(domain: str = "example.com") -> str:
    return f"user-{uuid.uuid4().hex[:10]}@{domain}"


def register(
    api: httpx.Client, email: str | None = None, password: str = STRONG_PASSWORD, display_name: str = "Ada Lovelace"
) -> httpx.Response:
    return api.post(
        "/v1/auth/register",
        json={"email": email or new_email(), "password": password, "displayName": display_name},
    )


def totp_code(secret: str, step_offset: int = 0) -> str:
    """The TOTP code for the current 30 s step plus `step_offset` steps."""
    import pyotp

    return str(pyotp.TOTP(secret).at(time.time() + 30 * step_offset))


def wrong_totp_code(secret: str) -> str:
    """A six-digit code that is valid for none of the steps the server accepts."""
    valid = {totp_code(secret, k) for k in (-2, -1, 0, 1, 2)}
    for candidate in ("000000", "111111", "222222", "333333", "444444", "555555"):
        if candidate not in valid:
            return candidate
    raise AssertionError("unreachable")


def set_cookies(response: httpx.Response) -> dict[str, dict[str, str]]:
    """name -> {value, and lower-cased attributes} from every Set-Cookie header."""
    cookies: dict[str, dict[str, str]] = {}
    for header in response.headers.get_list("set-cookie"):
        parsed: SimpleCookie = SimpleCookie()
        parsed.load(header)
        for name, morsel in parsed.items():
            attrs = {k.lower(): str(v) for k, v in morsel.items() if v}
            attrs["value"] = morsel.value
            attrs["_raw"] = header.lower()
            cookies[name] = attrs
    return cookies

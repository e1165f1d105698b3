"""Register, login, refresh, logout through the API against the Auth and Firestore emulators."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.support.identity import STRONG_PASSWORD, jwt_payload, new_email, register

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def _auth_user_exists(email: str) -> bool:
    from firebase_admin import auth

    from firebrick.clients import firebase_app

    try:
        auth.get_user_by_email(email, app=firebase_app())
    except auth.UserNotFoundError:
        return False
    return True


def _audit_actions(db: Client, uid: str | None = None) -> list[str]:
    entries = [d.to_dict() or {} for d in db.collection("audit").stream()]
    return [e["action"] for e in entries if uid is None or e.get("actorUid") == uid]


def test_full_flow_register_login_me_refresh_logout_then_old_token_refused(api: httpx.Client, admin_db: Client) -> None:
    email = new_email()
    created = register(api, email=email, display_name="  Ada   Lovelace ")
    assert created.status_code == 201, created.text
    body = created.json()
    assert set(body) == {"uid", "idToken", "refreshToken", "expiresIn"}
    uid = body["uid"]
    profile = admin_db.document(f"users/{uid}").get().to_dict()
    assert profile is not None
    assert profile["email"] == email
    assert profile["displayName"] == "Ada Lovelace"
    # before_user_created gave the first claims, already in the first ID token.
    assert jwt_payload(body["idToken"])["o"] == {}

    login = api.post("/v1/auth/login", json={"email": email.upper(), "password": STRONG_PASSWORD})
    assert login.status_code == 200, login.text
    tokens = login.json()
    assert tokens["uid"] == uid

    me = api.get("/v1/me", headers={"Authorization": f"Bearer {tokens['idToken']}"})
    assert me.status_code == 200, me.text
    assert me.json() == {
        "uid": uid,
        "email": email,
        "displayName": "Ada Lovelace",
        "photoURL": None,
        "orgs": {},
        "platformRole": None,
        "mfa": {"totp": False},
        "claimsOverflow": False,
    }

    refreshed = api.post("/v1/auth/refresh", json={"refreshToken": tokens["refreshToken"]})
    assert refreshed.status_code == 200, refreshed.text
    new_tokens = refreshed.json()
    assert new_tokens["uid"] == uid
    assert api.get("/v1/me", headers={"Authorization": f"Bearer {new_tokens['idToken']}"}).status_code == 200

    logout = api.post("/v1/auth/logout", headers={"Authorization": f"Bearer {new_tokens['idToken']}"})
    assert logout.status_code == 204, logout.text

    for token in (body["idToken"], tokens["idToken"], new_tokens["idToken"]):
        refused = api.get("/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert refused.status_code == 401
        assert refused.json()["code"] == "unauthenticated"
    again = api.post("/v1/auth/refresh", json={"refreshToken": tokens["refreshToken"]})
    assert again.status_code == 401

    # Signing in again works and yields a token the API accepts.
    relogin = api.post("/v1/auth/login", json={"email": email, "password": STRONG_PASSWORD})
    assert relogin.status_code == 200
    assert api.get("/v1/me", headers={"Authorization": f"Bearer {relogin.json()['idToken']}"}).status_code == 200
    actions = _audit_actions(admin_db, uid)
    assert {"auth.sign_up", "auth.login", "auth.logout", "auth.sign_in"} <= set(actions)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short-pw-1", "at least 12 characters"),  # the document's minLength: a field error, not a reason
        ("password1234", "too common"),
        ("QwErTy123456", "too common"),
        (None, "must not be your email"),
    ],
)
def test_weak_password_is_refused_with_reasons_and_nothing_written(
    api: httpx.Client, admin_db: Client, password: str | None, reason: str
) -> None:
    email = new_email()
    response = register(api, email=email, password=password or email)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_failed"
    why = body.get("reasons", []) + [e["msg"] for e in body.get("errors", []) if e["loc"] == ["body", "password"]]
    assert any(reason in r for r in why)
    assert password is None or password not in response.text
    assert not _auth_user_exists(email)
    assert list(admin_db.collection("users").stream()) == []
    assert _audit_actions(admin_db) == []


def test_duplicate_email_is_409_and_creates_nothing_new(api: httpx.Client, admin_db: Client) -> None:
    email = new_email()
    assert register(api, email=email).status_code == 201
    duplicate = register(api, email=email.upper(), password="another-strong-pass-77")
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "conflict"
    assert len(list(admin_db.collection("users").stream())) == 1


@pytest.mark.parametrize(
    "payload",
    [
        {"email": "a@example.com", "password": STRONG_PASSWORD},  # missing displayName
        {"email": "not-an-email", "password": STRONG_PASSWORD, "displayName": "X"},
        {"email": "a@example.com", "password": STRONG_PASSWORD, "displayName": "X", "admin": True},
        {"email": "a@example.com", "password": 123456789012, "displayName": "X"},
        {"email": "a@example.com", "password": STRONG_PASSWORD, "displayName": "x" * 101},
        {"email": "a@example.com", "password": STRONG_PASSWORD, "displayName": "   "},
        [],
    ],
)
def test_malformed_register_body_is_422_and_nothing_written(api: httpx.Client, admin_db: Client, payload: Any) -> None:
    response = api.post("/v1/auth/register", json=payload)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_failed"
    assert list(admin_db.collection("users").stream()) == []


def test_non_json_body_is_refused(api: httpx.Client, admin_db: Client) -> None:
    response = api.post("/v1/auth/login", content=b"email=a&password=b", headers={"Content-Type": "text/plain"})
    assert response.status_code == 422
    assert list(admin_db.collection("rateLimits").stream()) == []


def test_blocked_domain_is_refused_at_register(api: httpx.Client, admin_db: Client) -> None:
    email = new_email("mailinator.com")
    response = register(api, email=email)
    assert response.status_code == 422
    assert not _auth_user_exists(email)


def test_login_failures_share_one_generic_401(api: httpx.Client) -> None:
    email = new_email()
    assert register(api, email=email).status_code == 201
    wrong_password = api.post("/v1/auth/login", json={"email": email, "password": "not-the-password-1"})
    unknown_email = api.post("/v1/auth/login", json={"email": new_email(), "password": "not-the-password-1"})
    assert wrong_password.status_code == unknown_email.status_code == 401
    strip = ("instance",)
    assert {k: v for k, v in wrong_password.json().items() if k not in strip} == {
        k: v for k, v in unknown_email.json().items() if k not in strip
    }


def test_failed_login_after_limit_is_429_with_retry_after(api: httpx.Client, admin_db: Client) -> None:
    from firebrick.config import get_settings

    limit = get_settings().login_failures_per_email
    email = new_email()
    assert register(api, email=email).status_code == 201
    for _ in range(limit):
        failed = api.post("/v1/auth/login", json={"email": email, "password": "not-the-password-1"})
        assert failed.status_code == 401
    blocked = api.post("/v1/auth/login", json={"email": email, "password": "not-the-password-1"})
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "rate_limited"
    assert 1 <= int(blocked.headers["retry-after"]) <= get_settings().login_window_seconds
    # Even the right password waits out the window: the limiter guards the email, not the guess.
    right = api.post("/v1/auth/login", json={"email": email, "password": STRONG_PASSWORD})
    assert right.status_code == 429
    # Other accounts are unaffected.
    other = new_email()
    assert register(api, email=other).status_code == 201
    assert api.post("/v1/auth/login", json={"email": other, "password": STRONG_PASSWORD}).status_code == 200
    failures = [
        e
        for e in (d.to_dict() or {} for d in admin_db.collection("audit").stream())
        if e["action"] == "auth.login_failed"
    ]
    assert len(failures) == limit
    assert all("password" not in str(e) for e in failures)


def test_failed_logins_from_one_ip_across_emails_hit_the_ip_limit(api: httpx.Client) -> None:
    from firebrick.config import get_settings

    limit = get_settings().login_failures_per_ip
    ip = {"X-Forwarded-For": "203.0.113.7"}
    for i in range(limit):
        failed = api.post("/v1/auth/login", json={"email": f"nobody{i}@example.com", "password": "x"}, headers=ip)
        assert failed.status_code == 401
    blocked = api.post("/v1/auth/login", json={"email": "someone@example.com", "password": "x"}, headers=ip)
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) >= 1
    elsewhere = api.post(
        "/v1/auth/login",
        json={"email": "someone@example.com", "password": "x"},
        headers={"X-Forwarded-For": "198.51.100.9"},
    )
    assert elsewhere.status_code == 401


def test_protected_route_without_credentials_is_401(api: httpx.Client) -> None:
    assert api.get("/v1/me").status_code == 401
    assert api.get("/v1/me", headers={"Authorization": "Bearer not-a-jwt"}).status_code == 401
    assert api.get("/v1/me", headers={"Authorization": "Basic abc"}).status_code == 401
    assert api.post("/v1/auth/logout").status_code == 401


def test_refresh_with_garbage_token_is_401(api: httpx.Client) -> None:
    response = api.post("/v1/auth/refresh", json={"refreshToken": "garbage"})
    assert response.status_code == 401

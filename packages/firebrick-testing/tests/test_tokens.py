"""Unsigned ID tokens (pure logic) and their acceptance by firebase_admin in emulator mode."""

from __future__ import annotations

import base64
import json

import pytest

from firebrick_testing import unsigned_id_token
from firebrick_testing.tokens import custom_claims, token_payload


def test_token_is_an_unsigned_jwt_with_the_firebase_claims() -> None:
    token = unsigned_id_token("alice", "demo-p", {"role": "editor"}, issued_at=1000)
    header, _, signature = token.split(".")
    assert json.loads(base64.urlsafe_b64decode(header + "==")) == {"alg": "none", "typ": "JWT"}
    assert signature == ""
    assert token_payload(token) == {
        "iss": "https://securetoken.google.com/demo-p",
        "aud": "demo-p",
        "auth_time": 1000,
        "user_id": "alice",
        "sub": "alice",
        "iat": 1000,
        "exp": 4600,
        "firebase": {"identities": {}, "sign_in_provider": "custom"},
        "role": "editor",
    }


def test_claims_may_override_standard_ones() -> None:
    payload = token_payload(unsigned_id_token("u", "p", {"email": "u@example.com", "firebase": {"x": 1}}))
    assert payload is not None
    assert (payload["email"], payload["firebase"]) == ("u@example.com", {"x": 1})
    assert custom_claims(payload) == {}


def test_uid_must_be_a_firebase_uid() -> None:
    with pytest.raises(ValueError, match="1 to 128"):
        unsigned_id_token("", "p")
    with pytest.raises(ValueError, match="1 to 128"):
        unsigned_id_token("x" * 129, "p")


def test_token_payload_of_a_non_jwt_is_none() -> None:
    assert token_payload("owner") is None
    assert token_payload("a.%%%.c") is None


def test_firebase_admin_accepts_it_in_emulator_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the callable SDK relies on: verify_id_token skips the signature when the Auth emulator is set."""
    import firebase_admin
    from firebase_admin import auth

    monkeypatch.setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9")  # never contacted: no revocation check
    app = firebase_admin.initialize_app(options={"projectId": "demo-token-check"}, name="token-check")
    try:
        claims = auth.verify_id_token(unsigned_id_token("bob", "demo-token-check", {"o": {"x": 1}}), app=app)
        assert (claims["uid"], claims["o"]) == ("bob", {"x": 1})
        with pytest.raises(auth.InvalidIdTokenError, match="audience"):
            auth.verify_id_token(unsigned_id_token("bob", "another-project"), app=app)
    finally:
        firebase_admin.delete_app(app)

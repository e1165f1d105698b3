"""The production ID-token path (RS256 against fetched certs), with locally generated certs.

With the Auth emulator variable unset, firebase_admin verifies signatures as in
production; its certificate fetch is served our own self-signed cert instead of
Google's (the HTTP transport is replaced, not Firebase). User records (revocation,
disabled) still come from the Auth emulator, whose client was built beforehand.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from firebrick.auth.tokens import forget_user, verify_firebase_id_token
from firebrick.errors import Unauthenticated
from tests.support.auth import ADMIN_HEADERS, AuthEmulator, AuthUser

KID = "local-test-kid"


@dataclass
class _Response:
    status: int
    data: bytes
    headers: dict[str, str]


def _self_signed(key: Any) -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "securetoken.local.test")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


def _rsa_key() -> Any:
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class LocalGoogle:
    key: Any
    cert_pem: bytes
    project_id: str

    def claims(self, uid: str, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": f"https://securetoken.google.com/{self.project_id}",
            "aud": self.project_id,
            "auth_time": now,  # not before the user's creation (its tokensValidAfterTime)
            "user_id": uid,
            "sub": uid,
            "iat": now,
            "exp": now + 3600,
            "firebase": {"identities": {}, "sign_in_provider": "password"},
        }
        claims.update(overrides)
        return claims

    def sign(self, claims: dict[str, Any], key: Any = None, kid: str = KID) -> str:
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": kid})


@pytest.fixture
def local_google(clean: object, monkeypatch: pytest.MonkeyPatch) -> LocalGoogle:
    from firebase_admin import auth

    from firebrick.clients import firebase_app
    from firebrick.config import get_settings

    app = firebase_app()
    client = auth._get_client(app)  # built now, with the emulator as its user-management backend
    key = _rsa_key()
    cert = _self_signed(key)
    body = json.dumps({KID: cert.decode()}).encode()

    def fetch(url: str, method: str = "GET", **_: Any) -> _Response:
        return _Response(200, body, {"cache-control": "max-age=60"})

    monkeypatch.setattr(client._token_verifier, "request", fetch)
    # Settings are read once per process: read them now, with the emulator hosts, or an empty
    # cache (another test may just have cleared it) would keep the backend off the Auth emulator
    # for every later test of this process.
    get_settings()
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST")
    return LocalGoogle(key, cert, app.project_id)


@pytest.fixture
def user(make_user: Callable[..., AuthUser]) -> AuthUser:
    created = make_user()
    forget_user(created.uid)
    return created


def test_properly_signed_token_is_accepted(local_google: LocalGoogle, user: AuthUser) -> None:
    principal = verify_firebase_id_token(local_google.sign(local_google.claims(user.uid, email=user.email)))
    assert principal.uid == user.uid
    assert principal.email == user.email


def test_emulator_style_unsigned_token_is_refused_in_production_mode(local_google: LocalGoogle, user: AuthUser) -> None:
    # Exactly what the emulator issues (and accepts): must never pass outside it.
    with pytest.raises(Unauthenticated):
        verify_firebase_id_token(user.id_token)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_hs256_signed_with_the_certificate_is_refused(local_google: LocalGoogle, user: AuthUser) -> None:
    header = _b64(json.dumps({"alg": "HS256", "kid": KID, "typ": "JWT"}).encode())
    payload = _b64(json.dumps(local_google.claims(user.uid)).encode())
    signature = _b64(hmac.new(local_google.cert_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest())
    with pytest.raises(Unauthenticated):
        verify_firebase_id_token(f"{header}.{payload}.{signature}")


@pytest.mark.parametrize(
    "case",
    ["foreign_key", "unknown_kid", "expired", "wrong_aud", "wrong_iss", "tampered", "issued_in_future"],
)
def test_bad_tokens_are_refused(local_google: LocalGoogle, user: AuthUser, case: str) -> None:
    now = int(time.time())
    claims = local_google.claims(user.uid)
    if case == "foreign_key":
        token = local_google.sign(claims, key=_rsa_key())
    elif case == "unknown_kid":
        token = local_google.sign(claims, kid="other-kid")
    elif case == "expired":
        token = local_google.sign({**claims, "iat": now - 7200, "auth_time": now - 7200, "exp": now - 3600})
    elif case == "wrong_aud":
        token = local_google.sign({**claims, "aud": "someone-else"})
    elif case == "wrong_iss":
        token = local_google.sign({**claims, "iss": "https://securetoken.google.com/someone-else"})
    elif case == "issued_in_future":
        token = local_google.sign({**claims, "iat": now + 600})
    else:
        header, _, signature = local_google.sign(claims).split(".")
        forged = _b64(json.dumps({**claims, "sub": "someone-else", "user_id": "someone-else"}).encode())
        token = f"{header}.{forged}.{signature}"
    with pytest.raises(Unauthenticated):
        verify_firebase_id_token(token)


def test_revoked_token_is_refused(local_google: LocalGoogle, user: AuthUser, auth_emulator: AuthEmulator) -> None:
    token = local_google.sign(local_google.claims(user.uid))
    assert verify_firebase_id_token(token).uid == user.uid
    # What revoke_refresh_tokens does, with validSince past this token's auth_time.
    url = f"{auth_emulator.base}/identitytoolkit.googleapis.com/v1/projects/{auth_emulator.project_id}/accounts:update"
    body = {"localId": user.uid, "validSince": str(int(time.time()) + 5)}
    auth_emulator.http.post(url, json=body, headers=ADMIN_HEADERS).raise_for_status()
    forget_user(user.uid)
    with pytest.raises(Unauthenticated):
        verify_firebase_id_token(token)

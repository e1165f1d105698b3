"""Service-token verification: the JWT attack battery, revocation, org binding, key rotation."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import jwt
import pytest

from firebrick import paths
from firebrick.auth.keys import KeySet, SigningKey, configured_keyset, parse_keyset
from firebrick.auth.service_tokens import (
    SERVICE_TOKEN_PREFIX,
    audience,
    decode_service_token,
    issuer,
    mint_service_token,
    verify_service_token,
)
from firebrick.context import Caller
from firebrick.errors import NotFound, Unauthenticated
from firebrick.policy import Action, Role
from firebrick.services.access import authorize
from scripts.rotate_signing_key import rotate
from tests.support.auth import unsigned_token
from tests.support.emulators import Emulators

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": issuer(),
        "aud": audience(),
        "sub": "svc:tok1",
        "org": "orgA",
        "role": "member",
        "jti": "tok1",
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(claims: dict[str, Any], key: Any = None, kid: str | None = None) -> str:
    keyset = configured_keyset()
    signer = key or keyset.active.private_key
    return SERVICE_TOKEN_PREFIX + jwt.encode(
        claims, signer, algorithm="ES256", headers={"kid": kid or keyset.active.kid}
    )


def _new_key(kid: str, not_after: datetime | None = None) -> SigningKey:
    from cryptography.hazmat.primitives.asymmetric import ec

    return SigningKey(kid, ec.generate_private_key(ec.SECP256R1()), not_after)


def _refused(token: str, keyset: KeySet | None = None) -> None:
    with pytest.raises(Unauthenticated) as caught:
        decode_service_token(token, keyset=keyset)
    assert caught.value.detail == "Invalid or expired credentials"  # never why


def test_well_formed_token_verifies() -> None:
    claims = decode_service_token(_sign(_claims()))
    assert claims["org"] == "orgA"
    assert claims["role"] == "member"


def test_alg_none_is_refused() -> None:
    header = _b64(json.dumps({"alg": "none", "kid": configured_keyset().active.kid}).encode())
    payload = _b64(json.dumps(_claims()).encode())
    _refused(f"{SERVICE_TOKEN_PREFIX}{header}.{payload}.")


def test_hs256_signed_with_the_public_key_is_refused() -> None:
    from cryptography.hazmat.primitives import serialization

    public_pem = configured_keyset().active.public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": configured_keyset().active.kid}).encode())
    payload = _b64(json.dumps(_claims()).encode())
    signature = _b64(hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest())
    _refused(f"{SERVICE_TOKEN_PREFIX}{header}.{payload}.{signature}")


def test_expired_token_is_refused() -> None:
    past = int(time.time()) - 7200
    _refused(_sign(_claims(iat=past, nbf=past, exp=past + 60)))


def test_token_not_yet_valid_is_refused() -> None:
    future = int(time.time()) + 3600
    _refused(_sign(_claims(nbf=future, exp=future + 3600)))


@pytest.mark.parametrize("field", ["iss", "aud"])
def test_wrong_issuer_or_audience_is_refused(field: str) -> None:
    _refused(_sign(_claims(**{field: "https://evil.example"})))


@pytest.mark.parametrize("field", ["exp", "iat", "nbf", "jti", "iss", "aud"])
def test_missing_required_claim_is_refused(field: str) -> None:
    claims = _claims()
    del claims[field]
    _refused(_sign(claims))


def test_unknown_kid_is_refused() -> None:
    _refused(_sign(_claims(), kid="not-our-key"))


def test_foreign_key_with_our_kid_is_refused() -> None:
    _refused(_sign(_claims(), key=_new_key("x").private_key))


def test_tampered_payload_is_refused() -> None:
    token = _sign(_claims())
    header, _, signature = token[len(SERVICE_TOKEN_PREFIX) :].split(".")
    forged = _b64(json.dumps(_claims(role="owner", org="orgB")).encode())
    _refused(f"{SERVICE_TOKEN_PREFIX}{header}.{forged}.{signature}")


@pytest.mark.parametrize("role", ["admin", "owner", "superuser", None])
def test_role_above_member_is_refused_even_when_signed(role: str | None) -> None:
    _refused(_sign(_claims(role=role)))


def test_token_kind_confusion_is_refused(emulators: Emulators) -> None:
    from firebrick.auth.step_up import Purpose, issue_step_up_token
    from firebrick.auth.tokens import verify_firebase_id_token

    # A Firebase ID token dressed as a service token.
    _refused(SERVICE_TOKEN_PREFIX + unsigned_token("u1", emulators.project_id, {"org": "orgA", "role": "member"}))
    # A step-up token (HS256 with our own secret) dressed as a service token.
    _refused(SERVICE_TOKEN_PREFIX + issue_step_up_token("u1", Purpose.delete_org)[0])
    # A service token without its prefix goes to the Firebase verifier, which refuses it.
    with pytest.raises(Unauthenticated):
        verify_firebase_id_token(_sign(_claims())[len(SERVICE_TOKEN_PREFIX) :])
    # Sub and jti must agree (no re-targeting one record's id to another).
    _refused(_sign(_claims(sub="svc:other")))


def test_mint_refuses_roles_above_member() -> None:
    with pytest.raises(ValueError, match="at most"):
        mint_service_token("orgA", "t", Role.admin, datetime.now(UTC) + timedelta(days=1))


def test_revoked_token_is_refused_and_unknown_record_too(admin_db: Client) -> None:
    token = mint_service_token("orgA", "tokR", Role.member, datetime.now(UTC) + timedelta(days=1))
    # No record (deleted or never issued by us): refused.
    with pytest.raises(Unauthenticated):
        verify_service_token(token, db=admin_db)
    from firebrick.auth.service_tokens import forget_service_token

    forget_service_token("orgA", "tokR")
    admin_db.document(paths.token("orgA", "tokR")).set({"orgId": "orgA", "revokedAt": None})
    principal = verify_service_token(token, db=admin_db)
    assert (principal.service_org_id, principal.service_role) == ("orgA", Role.member)
    admin_db.document(paths.token("orgA", "tokR")).update({"revokedAt": datetime.now(UTC)})
    forget_service_token("orgA", "tokR")
    with pytest.raises(Unauthenticated):
        verify_service_token(token, db=admin_db)


def test_service_token_is_accepted_only_for_its_org(admin_db: Client) -> None:
    token = mint_service_token("orgA", "tokO", Role.member, datetime.now(UTC) + timedelta(days=1))
    admin_db.document(paths.token("orgA", "tokO")).set({"orgId": "orgA", "revokedAt": None})
    principal = verify_service_token(token, db=admin_db)
    authorize(Caller(admin_db, principal), "orgA", Action.write_task)
    with pytest.raises(NotFound):
        authorize(Caller(admin_db, principal), "orgB", Action.read)


def test_rotation_keeps_old_tokens_valid_during_overlap_only() -> None:
    old = _new_key("k1")
    before = KeySet(old, (old,))
    token = mint_service_token("orgA", "t1", Role.viewer, datetime.now(UTC) + timedelta(days=1), keyset=before)

    new = _new_key("k2")
    retiring = SigningKey("k1", old.private_key, datetime.now(UTC) + timedelta(days=7))
    during = KeySet(new, (new, retiring))
    assert decode_service_token(token, keyset=during)["jti"] == "t1"
    fresh = mint_service_token("orgA", "t2", Role.viewer, datetime.now(UTC) + timedelta(days=1), keyset=during)
    assert jwt.get_unverified_header(fresh[len(SERVICE_TOKEN_PREFIX) :])["kid"] == "k2"
    assert {k["kid"] for k in during.published()} == {"k1", "k2"}

    retired = SigningKey("k1", old.private_key, datetime.now(UTC) - timedelta(seconds=1))
    after = KeySet(new, (new, retired))
    _refused(token, keyset=after)
    assert decode_service_token(fresh, keyset=after)["jti"] == "t2"
    assert [k["kid"] for k in after.published()] == ["k2"]


def test_rotation_script_output_loads_and_retires_the_previous_key() -> None:
    first = rotate(None, overlap_days=30, at=datetime.now(UTC))
    second = rotate(first, overlap_days=30, at=datetime.now(UTC))
    keyset = parse_keyset(json.dumps(second))
    assert keyset.active.kid != first["active"]
    previous = keyset.verification_key(first["active"])
    assert previous is not None
    assert previous.not_after is not None
    third = rotate(second, overlap_days=0, at=datetime.now(UTC) + timedelta(days=31))
    assert first["active"] not in {k["kid"] for k in third["keys"]}

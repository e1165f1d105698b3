"""Step-up token verification in-process: every forgery and confusion is StepUpRequired."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import jwt
import pytest

from firebrick.auth.keys import derived_key
from firebrick.auth.principal import Principal, PrincipalKind
from firebrick.auth.step_up import issue_step_up_token, require_step_up, verify_step_up_token
from firebrick.context import Caller
from firebrick.errors import PermissionDenied, StepUpRequired
from firebrick.policy import Role

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": "firebrick",
        "aud": "firebrick:step-up",
        "sub": "u1",
        "iat": now,
        "nbf": now,
        "exp": now + 300,
        "jti": "j1",
        "typ": "step-up",
    }
    claims.update(overrides)
    return claims


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_issued_token_verifies_for_its_uid_only() -> None:
    token, ttl = issue_step_up_token("u1")
    assert verify_step_up_token(token, "u1")["sub"] == "u1"
    assert 30 <= ttl <= 900
    with pytest.raises(StepUpRequired):
        verify_step_up_token(token, "u2")


@pytest.mark.parametrize(
    "token",
    [
        f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims())}.",
        jwt.encode(_claims(), "a-guessable-secret-that-is-long-enough", algorithm="HS256"),
        jwt.encode(_claims(aud="firebrick-api:demo-firebrick"), derived_key("step-up"), algorithm="HS256"),
        jwt.encode(_claims(typ="service"), derived_key("step-up"), algorithm="HS256"),
        jwt.encode(_claims(iss="someone"), derived_key("step-up"), algorithm="HS256"),
        jwt.encode(_claims(exp=int(time.time()) - 10), derived_key("step-up"), algorithm="HS256"),
        jwt.encode(_claims(nbf=int(time.time()) + 600), derived_key("step-up"), algorithm="HS256"),
        jwt.encode({k: v for k, v in _claims().items() if k != "jti"}, derived_key("step-up"), algorithm="HS256"),
        jwt.encode(_claims(), derived_key("csrf"), algorithm="HS256"),  # another purpose's key
        "",
        "x" * 5000,
    ],
)
def test_forged_or_confused_step_up_tokens_are_refused(token: str) -> None:
    with pytest.raises(StepUpRequired):
        verify_step_up_token(token, "u1")


def test_service_token_is_not_a_step_up_token() -> None:
    from firebrick.auth.service_tokens import SERVICE_TOKEN_PREFIX, mint_service_token

    token = mint_service_token("orgA", "t1", Role.member, datetime.now(UTC) + timedelta(days=1))
    with pytest.raises(StepUpRequired):
        verify_step_up_token(token.removeprefix(SERVICE_TOKEN_PREFIX), "svc:t1")


def test_service_principals_never_pass_step_up(admin_db: Client) -> None:
    service = Principal(uid="svc:t1", kind=PrincipalKind.service, service_org_id="o", service_role=Role.member)
    with pytest.raises(PermissionDenied):
        require_step_up(Caller(admin_db, service), issue_step_up_token("svc:t1")[0])


def test_user_without_totp_passes_and_with_totp_needs_a_token(admin_db: Client) -> None:
    user = Caller(admin_db, Principal(uid="u-steps", kind=PrincipalKind.user))
    require_step_up(user, None)
    admin_db.document("userSecrets/u-steps").set({"totpEnabled": True})
    with pytest.raises(StepUpRequired):
        require_step_up(user, None)
    require_step_up(user, issue_step_up_token("u-steps")[0])

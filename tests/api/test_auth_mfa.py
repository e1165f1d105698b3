"""TOTP enrollment, step-up tokens, and a sensitive action (`DELETE /v1/me`) guarded by step-up."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx
import jwt

from firebrick_testing import RulesTestEnv, assert_denied
from tests.support.auth import AuthUser
from tests.support.identity import totp_code, wrong_totp_code

if TYPE_CHECKING:
    from google.cloud.firestore import Client

MakeUser = Callable[..., AuthUser]


def _enroll(api: httpx.Client, user: AuthUser) -> str:
    """Enroll and confirm TOTP for `user` with the current code; returns the secret.

    Step-ups then use the next step's code: later than the confirmed one (no replay) and still
    inside the server's ±1 window if a 30 s boundary passes mid-test.
    """
    enrolled = api.post("/v1/auth/mfa/totp/enroll", headers=user.headers)
    assert enrolled.status_code == 200, enrolled.text
    body = enrolled.json()
    assert body["otpauthUri"].startswith("otpauth://totp/")
    secret = str(body["secret"])
    confirmed = api.post("/v1/auth/mfa/totp/confirm", headers=user.headers, json={"code": totp_code(secret)})
    assert confirmed.status_code == 204, confirmed.text
    return secret


def _step_up(api: httpx.Client, user: AuthUser, code: str, purpose: str = "delete_account") -> httpx.Response:
    return api.post("/v1/auth/mfa/step-up", headers=user.headers, json={"code": code, "purpose": purpose})


def test_wrong_totp_code_is_refused_at_confirm_and_mfa_stays_off(api: httpx.Client, make_user: MakeUser) -> None:
    user = make_user()
    secret = api.post("/v1/auth/mfa/totp/enroll", headers=user.headers).json()["secret"]
    refused = api.post("/v1/auth/mfa/totp/confirm", headers=user.headers, json={"code": wrong_totp_code(secret)})
    assert refused.status_code == 403
    assert api.get("/v1/me", headers=user.headers).json()["mfa"] == {"totp": False}


def test_right_totp_code_enables_mfa(api: httpx.Client, make_user: MakeUser, admin_db: Client) -> None:
    user = make_user()
    secret = _enroll(api, user)
    assert api.get("/v1/me", headers=user.headers).json()["mfa"] == {"totp": True}
    stored = admin_db.document(f"userSecrets/{user.uid}").get().to_dict() or {}
    assert secret not in str(stored)  # encrypted at rest
    actions = {(d.to_dict() or {})["action"] for d in admin_db.collection("audit").stream()}
    assert "auth.mfa.totp_enabled" in actions


def test_client_cannot_read_totp_secrets(api: httpx.Client, make_user: MakeUser, rules_env: RulesTestEnv) -> None:
    user = make_user()
    _enroll(api, user)
    response = assert_denied(rules_env.with_id_token(user.id_token).get(f"userSecrets/{user.uid}"))
    assert response.status_code == 403


def test_sensitive_action_without_step_up_is_refused_once_mfa_is_on(api: httpx.Client, make_user: MakeUser) -> None:
    user = make_user()
    _enroll(api, user)
    response = api.delete("/v1/me", headers=user.headers)
    assert response.status_code == 403
    assert response.json()["code"] == "step_up_required"
    assert api.get("/v1/me", headers=user.headers).status_code == 200


def test_sensitive_action_with_step_up_is_allowed(api: httpx.Client, make_user: MakeUser, admin_db: Client) -> None:
    user = make_user()
    secret = _enroll(api, user)
    assert _step_up(api, user, wrong_totp_code(secret)).status_code == 403
    granted = _step_up(api, user, totp_code(secret, 1))
    assert granted.status_code == 200, granted.text
    token = granted.json()["stepUpToken"]
    assert 0 < granted.json()["expiresIn"] <= 900
    deleted = api.delete("/v1/me", headers={**user.headers, "X-Step-Up-Token": token})
    assert deleted.status_code == 204, deleted.text
    assert not admin_db.document(f"users/{user.uid}").get().exists
    assert not admin_db.document(f"userSecrets/{user.uid}").get().exists
    assert api.get("/v1/me", headers=user.headers).status_code == 401


def test_totp_code_cannot_be_replayed(api: httpx.Client, make_user: MakeUser) -> None:
    user = make_user()
    secret = _enroll(api, user)
    code = totp_code(secret, 1)
    assert _step_up(api, user, code).status_code == 200
    assert _step_up(api, user, code).status_code == 403


def test_expired_step_up_token_is_refused(api: httpx.Client, make_user: MakeUser) -> None:
    from firebrick.auth.keys import derived_key

    user = make_user()
    _enroll(api, user)
    past = int(time.time()) - 3600
    expired = jwt.encode(
        {
            "iss": "firebrick",
            "aud": "firebrick:step-up",
            "sub": user.uid,
            "iat": past,
            "nbf": past,
            "exp": past + 300,
            "jti": "x",
            "typ": "step-up",
            "pur": "delete_account",
        },
        derived_key("step-up"),
        algorithm="HS256",
    )
    response = api.delete("/v1/me", headers={**user.headers, "X-Step-Up-Token": expired})
    assert response.status_code == 403
    assert response.json()["code"] == "step_up_required"


def test_other_users_step_up_token_is_refused(api: httpx.Client, make_user: MakeUser) -> None:
    alice, bob = make_user(), make_user()
    _enroll(api, alice)
    bob_secret = _enroll(api, bob)
    bob_token = _step_up(api, bob, totp_code(bob_secret, 1)).json()["stepUpToken"]
    response = api.delete("/v1/me", headers={**alice.headers, "X-Step-Up-Token": bob_token})
    assert response.status_code == 403
    assert response.json()["code"] == "step_up_required"


def test_step_up_token_is_not_a_bearer_token(api: httpx.Client, make_user: MakeUser) -> None:
    user = make_user()
    secret = _enroll(api, user)
    token = _step_up(api, user, totp_code(secret, 1)).json()["stepUpToken"]
    assert api.get("/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_replacing_an_active_totp_needs_step_up(api: httpx.Client, make_user: MakeUser) -> None:
    user = make_user()
    _enroll(api, user)
    response = api.post("/v1/auth/mfa/totp/enroll", headers=user.headers)
    assert response.status_code == 403
    assert response.json()["code"] == "step_up_required"


def test_delete_me_without_mfa_needs_no_step_up(api: httpx.Client, make_user: MakeUser) -> None:
    user = make_user()
    assert api.delete("/v1/me", headers=user.headers).status_code == 204


def test_last_owner_cannot_delete_account(api: httpx.Client, make_org: Callable[..., object]) -> None:
    org = make_org(roles=("owner", "member"))
    owner = org["owner"]  # type: ignore[index]
    response = api.delete("/v1/me", headers=owner.headers)
    assert response.status_code == 409
    member = org["member"]  # type: ignore[index]
    assert api.delete("/v1/me", headers=member.headers).status_code == 204


def test_repeated_wrong_codes_are_rate_limited(api: httpx.Client, make_user: MakeUser) -> None:
    user = make_user()
    secret = _enroll(api, user)
    wrong = wrong_totp_code(secret)
    for _ in range(5):
        assert _step_up(api, user, wrong).status_code == 403
    blocked = _step_up(api, user, totp_code(secret, 1))
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) >= 1


def test_two_owners_leaving_at_once_keep_one_owner(
    api: httpx.Client, make_org: Callable[..., object], admin_db: Client
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    org = make_org(roles=("owner", "member"))
    first, second = org["owner"], org["member"]  # type: ignore[index]
    admin_db.document(f"orgs/{org.org_id}/members/{second.uid}").update({"role": "owner"})  # type: ignore[attr-defined]

    def leave(user: AuthUser) -> int:
        with httpx.Client(base_url=str(api.base_url), timeout=60) as client:
            return client.delete("/v1/me", headers=user.headers).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(pool.map(leave, [first, second]))
    assert statuses == [204, 409]
    owners = [
        d
        for d in admin_db.collection(f"orgs/{org.org_id}/members").stream()  # type: ignore[attr-defined]
        if (d.to_dict() or {}).get("role") == "owner"
    ]
    assert len(owners) == 1

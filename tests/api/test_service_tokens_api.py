"""`/v1/orgs/{orgId}/tokens` and the JWKS endpoint, through the Functions emulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
import jwt
import pytest

from tests.support.auth import AuthUser
from tests.support.identity import totp_code
from tests.support.orgs import SeededOrg

if TYPE_CHECKING:
    from google.cloud.firestore import Client

MakeOrg = Callable[..., SeededOrg]
BODY = {"name": "ci deploy bot", "role": "member", "expiresInDays": 30}


def _create(api: httpx.Client, org: SeededOrg, user: AuthUser, **headers: str) -> httpx.Response:
    return api.post(f"/v1/orgs/{org.org_id}/tokens", json=BODY, headers={**user.headers, **headers})


def test_admin_creates_token_shown_once_and_listed_without_secret(
    api: httpx.Client, make_org: MakeOrg, admin_db: Client
) -> None:
    org = make_org(roles=("owner", "admin"))
    created = _create(api, org, org["admin"])
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["token"].startswith("fbst_")
    assert body["role"] == "member"
    listed = api.get(f"/v1/orgs/{org.org_id}/tokens", headers=org["admin"].headers)
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert [i["id"] for i in items] == [body["id"]]
    assert "token" not in items[0]
    assert body["token"] not in listed.text
    stored = admin_db.document(f"orgs/{org.org_id}/tokens/{body['id']}").get().to_dict() or {}
    assert body["token"] not in str(stored)
    audit = [(d.to_dict() or {})["action"] for d in admin_db.collection(f"orgs/{org.org_id}/audit").stream()]
    assert "service_token.created" in audit


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_roles_below_admin_cannot_manage_tokens(api: httpx.Client, make_org: MakeOrg, role: str) -> None:
    org = make_org(roles=("owner", role))
    assert _create(api, org, org[role]).status_code == 403
    assert api.get(f"/v1/orgs/{org.org_id}/tokens", headers=org[role].headers).status_code == 403


def test_outsider_gets_404(api: httpx.Client, make_org: MakeOrg, make_user: Callable[..., AuthUser]) -> None:
    org = make_org(roles=("owner",))
    outsider = make_user()
    assert _create(api, org, outsider).status_code == 404


def test_token_role_above_member_is_422(api: httpx.Client, make_org: MakeOrg) -> None:
    org = make_org(roles=("owner",))
    response = api.post(f"/v1/orgs/{org.org_id}/tokens", json={**BODY, "role": "admin"}, headers=org["owner"].headers)
    assert response.status_code == 422


def test_owner_with_mfa_needs_step_up_to_create_token(api: httpx.Client, make_org: MakeOrg) -> None:
    org = make_org(roles=("owner",))
    owner = org["owner"]
    secret = api.post("/v1/auth/mfa/totp/enroll", headers=owner.headers).json()["secret"]
    confirm = api.post("/v1/auth/mfa/totp/confirm", headers=owner.headers, json={"code": totp_code(secret)})
    assert confirm.status_code == 204
    refused = _create(api, org, owner)
    assert refused.status_code == 403
    assert refused.json()["code"] == "step_up_required"
    step_up = api.post(
        "/v1/auth/mfa/step-up",
        headers=owner.headers,
        json={"code": totp_code(secret, 1), "purpose": "create_service_token"},
    )
    token = step_up.json()["stepUpToken"]
    assert _create(api, org, owner, **{"X-Step-Up-Token": token}).status_code == 201


def test_service_token_works_only_in_its_org_and_dies_on_revoke(api: httpx.Client, make_org: MakeOrg) -> None:
    org, other = make_org(roles=("owner",)), make_org(roles=("owner",), name="Other")
    created = _create(api, org, org["owner"]).json()
    bearer = {"Authorization": f"Bearer {created['token']}"}
    # Recognised in its own org (as a member: managing tokens needs admin, so 403, not 401) ...
    own = api.get(f"/v1/orgs/{org.org_id}/tokens", headers=bearer)
    assert own.status_code == 403
    # ... and a stranger everywhere else.
    assert api.get(f"/v1/orgs/{other.org_id}/tokens", headers=bearer).status_code == 404
    assert api.get("/v1/me", headers=bearer).status_code == 403
    revoked = api.delete(f"/v1/orgs/{org.org_id}/tokens/{created['id']}", headers=org["owner"].headers)
    assert revoked.status_code == 204
    after = api.get(f"/v1/orgs/{org.org_id}/tokens", headers=bearer)
    assert after.status_code == 401
    assert after.json()["detail"] == "Invalid or expired credentials"
    listed = api.get(f"/v1/orgs/{org.org_id}/tokens", headers=org["owner"].headers).json()["items"]
    assert listed[0]["revoked"] is True


def test_revoking_unknown_token_is_404(api: httpx.Client, make_org: MakeOrg) -> None:
    org = make_org(roles=("owner",))
    assert api.delete(f"/v1/orgs/{org.org_id}/tokens/nope", headers=org["owner"].headers).status_code == 404


def test_jwks_publishes_the_key_that_verifies_issued_tokens(api: httpx.Client, make_org: MakeOrg) -> None:
    org = make_org(roles=("owner",))
    token = _create(api, org, org["owner"]).json()["token"].removeprefix("fbst_")
    response = api.get("/v1/.well-known/jwks.json")
    assert response.status_code == 200
    keys: list[dict[str, Any]] = response.json()["keys"]
    assert all("d" not in k for k in keys)  # public halves only
    kid = jwt.get_unverified_header(token)["kid"]
    jwk = next(k for k in keys if k["kid"] == kid)
    claims = jwt.decode(token, jwt.PyJWK(jwk).key, algorithms=["ES256"], options={"verify_aud": False})
    assert claims["org"] == org.org_id


@pytest.mark.parametrize(
    "token",
    ["fbst_", "fbst_a.b.c", "fbst_eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "eyJhbGciOiJIUzI1NiJ9.e30.abc"],
)
def test_malformed_bearer_tokens_are_401_without_details(api: httpx.Client, token: str) -> None:
    response = api.get("/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid or expired credentials"

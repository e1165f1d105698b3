"""Session cookies in a real HTTP exchange: attributes, cookie auth, CSRF refusal, revocation."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx

from tests.support.auth import AuthUser
from tests.support.identity import set_cookies
from tests.support.orgs import SeededOrg

if TYPE_CHECKING:
    from google.cloud.firestore import Client

MakeUser = Callable[..., AuthUser]


def _start_session(api: httpx.Client, user: AuthUser) -> tuple[str, str]:
    response = api.post("/v1/auth/session", json={"idToken": user.id_token})
    assert response.status_code == 204, response.text
    cookies = set_cookies(response)
    session = cookies["__session"]
    assert "httponly" in session["_raw"]
    assert "secure" in session["_raw"]
    assert session["samesite"].lower() == "strict"
    assert session["max-age"] == str(5 * 86400)
    assert session["path"] == "/"
    csrf = response.headers["x-csrf-token"]
    assert cookies["__csrf"]["value"] == csrf
    assert "httponly" not in cookies["__csrf"]["_raw"]
    return session["value"], csrf


def test_session_cookie_authenticates_reads(api: httpx.Client, make_user: MakeUser) -> None:
    user = make_user()
    cookie, _ = _start_session(api, user)
    me = api.get("/v1/me", headers={"Cookie": f"__session={cookie}"})
    assert me.status_code == 200, me.text
    assert me.json()["uid"] == user.uid


def test_state_changing_cookie_request_without_csrf_token_is_refused(api: httpx.Client, make_user: MakeUser) -> None:
    user = make_user()
    cookie, csrf = _start_session(api, user)
    headers = {"Cookie": f"__session={cookie}"}
    missing = api.post("/v1/auth/logout", headers=headers)
    assert missing.status_code == 403
    assert missing.json()["reason"] == "csrf"
    wrong = api.post("/v1/auth/logout", headers={**headers, "X-CSRF-Token": csrf[:-2] + "xx"})
    assert wrong.status_code == 403
    # Nothing was revoked by the refused requests.
    assert api.get("/v1/me", headers=headers).status_code == 200
    assert api.get("/v1/me", headers=user.headers).status_code == 200


def test_csrf_token_of_another_session_is_refused(api: httpx.Client, make_user: MakeUser) -> None:
    alice, mallory = make_user(), make_user()
    alice_cookie, _ = _start_session(api, alice)
    _, mallory_csrf = _start_session(api, mallory)
    response = api.delete(
        "/v1/auth/session", headers={"Cookie": f"__session={alice_cookie}", "X-CSRF-Token": mallory_csrf}
    )
    assert response.status_code == 403


def test_delete_session_clears_cookie_and_revokes(api: httpx.Client, make_user: MakeUser) -> None:
    user = make_user()
    cookie, csrf = _start_session(api, user)
    headers = {"Cookie": f"__session={cookie}", "X-CSRF-Token": csrf}
    response = api.delete("/v1/auth/session", headers=headers)
    assert response.status_code == 204, response.text
    cleared = set_cookies(response)
    assert cleared["__session"]["value"] == ""
    assert cleared["__session"]["max-age"] == "0"
    assert api.get("/v1/me", headers={"Cookie": f"__session={cookie}"}).status_code == 401
    assert api.get("/v1/me", headers=user.headers).status_code == 401


def test_bearer_logout_also_kills_session_cookies(api: httpx.Client, make_user: MakeUser) -> None:
    user = make_user()
    cookie, _ = _start_session(api, user)
    assert api.post("/v1/auth/logout", headers=user.headers).status_code == 204
    assert api.get("/v1/me", headers={"Cookie": f"__session={cookie}"}).status_code == 401


def test_session_needs_a_valid_id_token(api: httpx.Client, clean: object) -> None:
    response = api.post("/v1/auth/session", json={"idToken": "not-a-token"})
    assert response.status_code == 401
    assert "set-cookie" not in response.headers


def test_forged_session_cookie_is_refused(api: httpx.Client, make_user: MakeUser) -> None:
    user = make_user()
    # An ID token is not a session cookie (different issuer).
    assert api.get("/v1/me", headers={"Cookie": f"__session={user.id_token}"}).status_code == 401


def test_signing_out_with_a_service_token_is_403_not_500(
    api: httpx.Client, make_org: Callable[..., SeededOrg], admin_db: Client
) -> None:
    from firebrick.models.refs import OrgRef
    from firebrick.models.tokens import ServiceTokenCreate
    from firebrick.services.service_tokens import create_service_token
    from tests.support.orgs import caller_of

    org = make_org(roles=("admin",))
    body = ServiceTokenCreate.model_validate({"name": "ci", "role": "member", "expiresInDays": 1})
    created = create_service_token(caller_of(admin_db, org["admin"]), OrgRef(org_id=org.org_id), body)
    machine = {"Authorization": f"Bearer {created.resource.token}"}
    for response in (api.post("/v1/auth/logout", headers=machine), api.delete("/v1/auth/session", headers=machine)):
        assert response.status_code == 403, response.text
        assert response.json()["code"] == "permission_denied"

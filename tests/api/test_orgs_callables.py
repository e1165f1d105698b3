"""The `orgs_create` and `invites_accept` callables: same models, services and policy as REST."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

from tests.support.auth import AuthUser
from tests.support.emulators import Emulators
from tests.support.orgs import SeededOrg

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def call(emulators: Emulators, name: str, data: dict[str, Any], user: AuthUser | None) -> httpx.Response:
    """The callable protocol: POST {"data": ...}; answers {"result": ...} or {"error": {...}}."""
    headers = user.headers if user else {}
    return httpx.post(emulators.callable_url(name), json={"data": data}, headers=headers, timeout=60)


def test_orgs_create_makes_the_caller_owner(
    clean: Emulators, admin_db: Client, make_user: Callable[..., AuthUser]
) -> None:
    user = make_user()
    response = call(clean, "orgs_create", {"name": "Via callable"}, user)
    assert response.status_code == 200, response.text
    org = response.json()["result"]
    assert (org["name"], org["role"]) == ("Via callable", "owner")
    member = admin_db.document(f"orgs/{org['id']}/members/{user.uid}").get()
    assert member.get("role") == "owner"


def test_orgs_create_refuses_bad_input_and_anonymous_callers(
    clean: Emulators, admin_db: Client, make_user: Callable[..., AuthUser]
) -> None:
    user = make_user()
    bad = call(clean, "orgs_create", {"name": "", "extra": 1}, user)
    assert bad.json()["error"]["status"] == "INVALID_ARGUMENT"
    assert bad.json()["error"]["details"]["code"] == "validation_failed"
    anonymous = call(clean, "orgs_create", {"name": "Nope"}, None)
    assert anonymous.json()["error"]["status"] == "UNAUTHENTICATED"
    assert list(admin_db.collection("orgs").stream()) == []


def test_invites_accept_callable_joins_and_refuses_the_wrong_email(
    clean: Emulators,
    api: httpx.Client,
    admin_db: Client,
    make_org: Callable[..., SeededOrg],
    make_user: Callable[..., AuthUser],
) -> None:
    org = make_org()
    body = {"email": "guest@example.com", "role": "member"}
    created = api.post(f"/v1/orgs/{org.org_id}/invites", json=body, headers=org["owner"].headers).json()
    intruder = make_user(email="intruder@example.com")
    refused = call(clean, "invites_accept", {"token": created["token"]}, intruder)
    assert refused.json()["error"]["status"] == "PERMISSION_DENIED"
    guest = make_user(email="guest@example.com")
    accepted = call(clean, "invites_accept", {"token": created["token"]}, guest)
    assert accepted.json()["result"] == {"orgId": org.org_id, "role": "member"}
    assert admin_db.document(f"orgs/{org.org_id}/members/{guest.uid}").get().get("role") == "member"

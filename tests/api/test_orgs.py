"""Orgs through the API: create, list, read, rename (If-Match), delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx

from tests.support.auth import AuthUser
from tests.support.orgs import SeededOrg

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def audit_actions(db: Client, org_id: str | None) -> list[str]:
    collection = f"orgs/{org_id}/audit" if org_id else "audit"
    return sorted(str(snap.get("action")) for snap in db.collection(collection).stream())


def test_creating_an_org_makes_the_caller_its_owner(
    api: httpx.Client, admin_db: Client, make_user: Callable[..., AuthUser]
) -> None:
    user = make_user()
    response = api.post("/v1/orgs", json={"name": "  Acme  "}, headers=user.headers)
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Acme"
    assert body["role"] == "owner"
    assert response.headers["location"] == f"/v1/orgs/{body['id']}"
    assert response.headers["etag"]
    org = admin_db.document(f"orgs/{body['id']}").get()
    assert org.get("createdBy") == user.uid
    member = admin_db.document(f"orgs/{body['id']}/members/{user.uid}").get().to_dict()
    assert member is not None
    assert member["role"] == "owner"
    assert member["uid"] == user.uid
    assert audit_actions(admin_db, body["id"]) == ["org.created"]


def test_invalid_org_bodies_are_refused_and_write_nothing(
    api: httpx.Client, admin_db: Client, make_user: Callable[..., AuthUser]
) -> None:
    user = make_user()
    bad_bodies = ({"name": ""}, {"name": "   "}, {"name": "x" * 101}, {"name": "a\nb"}, {"name": "Ok", "x": 1}, {})
    for body in bad_bodies:
        response = api.post("/v1/orgs", json=body, headers=user.headers)
        assert response.status_code == 422, body
        assert response.json()["code"] == "validation_failed"
    assert list(admin_db.collection("orgs").stream()) == []


def test_listing_orgs_shows_only_the_callers_orgs_with_their_roles(
    api: httpx.Client, make_org: Callable[..., SeededOrg]
) -> None:
    acme = make_org(name="Acme")
    make_org(name="Globex")
    response = api.get("/v1/orgs", headers=acme["admin"].headers)
    assert response.status_code == 200
    assert [(org["id"], org["role"]) for org in response.json()["items"]] == [(acme.org_id, "admin")]


def test_outsider_cannot_tell_an_org_exists(
    api: httpx.Client, make_org: Callable[..., SeededOrg], make_user: Callable[..., AuthUser]
) -> None:
    org = make_org()
    outsider = make_user()
    existing = api.get(f"/v1/orgs/{org.org_id}", headers=outsider.headers)
    missing = api.get("/v1/orgs/no-such-org", headers=outsider.headers)
    assert existing.status_code == missing.status_code == 404
    assert existing.json()["detail"] == missing.json()["detail"]


def test_platform_admin_can_read_any_org_but_not_rename_it(
    api: httpx.Client, make_org: Callable[..., SeededOrg], make_user: Callable[..., AuthUser]
) -> None:
    org = make_org(name="Acme")
    support = make_user(claims={"admin": True})
    assert api.get(f"/v1/orgs/{org.org_id}", headers=support.headers).json()["name"] == "Acme"
    assert api.get(f"/v1/orgs/{org.org_id}/members", headers=support.headers).status_code == 200
    renamed = api.patch(f"/v1/orgs/{org.org_id}", json={"name": "Mine"}, headers=support.headers)
    assert renamed.status_code == 403


def test_owner_renames_org_honouring_if_match(
    api: httpx.Client, admin_db: Client, make_org: Callable[..., SeededOrg]
) -> None:
    org = make_org(name="Acme")
    owner = org["owner"].headers
    etag = api.get(f"/v1/orgs/{org.org_id}", headers=owner).headers["etag"]
    renamed = api.patch(f"/v1/orgs/{org.org_id}", json={"name": "Acme 2"}, headers={**owner, "If-Match": etag})
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "Acme 2"
    assert renamed.headers["etag"] != etag
    stale = api.patch(f"/v1/orgs/{org.org_id}", json={"name": "Acme 3"}, headers={**owner, "If-Match": etag})
    assert stale.status_code == 412
    assert admin_db.document(f"orgs/{org.org_id}").get().get("name") == "Acme 2"
    assert audit_actions(admin_db, org.org_id) == ["org.renamed"]


def test_admin_cannot_rename_org(api: httpx.Client, admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org(name="Acme")
    response = api.patch(f"/v1/orgs/{org.org_id}", json={"name": "Hijacked"}, headers=org["admin"].headers)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert admin_db.document(f"orgs/{org.org_id}").get().get("name") == "Acme"


def test_owner_deletes_org_and_its_memberships(
    api: httpx.Client, admin_db: Client, make_org: Callable[..., SeededOrg]
) -> None:
    org = make_org()
    response = api.delete(f"/v1/orgs/{org.org_id}", headers=org["owner"].headers)
    assert response.status_code == 204
    assert not admin_db.document(f"orgs/{org.org_id}").get().exists
    assert list(admin_db.collection(f"orgs/{org.org_id}/members").stream()) == []
    # The top-level log also holds the seeded users' sign-ins (`auth.sign_in`, blocking function).
    assert [a for a in audit_actions(admin_db, None) if not a.startswith("auth.")] == ["org.deleted"]
    assert api.get(f"/v1/orgs/{org.org_id}", headers=org["owner"].headers).status_code == 404


def test_bad_org_id_in_path_is_refused(api: httpx.Client, make_user: Callable[..., AuthUser]) -> None:
    user = make_user()
    response = api.get("/v1/orgs/bad%20id%24", headers=user.headers)
    assert response.status_code == 422


def test_unauthenticated_caller_gets_401(api: httpx.Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org()
    assert api.get(f"/v1/orgs/{org.org_id}").status_code == 401
    assert api.get(f"/v1/orgs/{org.org_id}", headers={"Authorization": "Bearer not-a-token"}).status_code == 401

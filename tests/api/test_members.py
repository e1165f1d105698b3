"""Members through the API: roles never above your own, an owner always remains."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.support.orgs import SeededOrg, add_member

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def role_in(db: Client, org_id: str, uid: str) -> str | None:
    snap = db.document(f"orgs/{org_id}/members/{uid}").get()
    return str(snap.get("role")) if snap.exists else None


def org_audit(db: Client, org_id: str) -> list[dict[str, object]]:
    return [snap.to_dict() or {} for snap in db.collection(f"orgs/{org_id}/audit").stream()]


def test_members_are_listed_for_viewers(api: httpx.Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org()
    response = api.get(f"/v1/orgs/{org.org_id}/members", headers=org["viewer"].headers)
    assert response.status_code == 200
    assert sorted(m["role"] for m in response.json()["items"]) == ["admin", "member", "owner", "viewer"]


def test_admin_promotes_viewer_to_member_and_it_is_audited(
    api: httpx.Client, admin_db: Client, make_org: Callable[..., SeededOrg]
) -> None:
    org = make_org()
    viewer = org["viewer"].uid
    response = api.patch(
        f"/v1/orgs/{org.org_id}/members/{viewer}", json={"role": "member"}, headers=org["admin"].headers
    )
    assert response.status_code == 200
    assert response.json()["role"] == "member"
    assert role_in(admin_db, org.org_id, viewer) == "member"
    (entry,) = org_audit(admin_db, org.org_id)
    assert entry["action"] == "member.role_changed"
    assert entry["actorUid"] == org["admin"].uid
    assert entry["details"] == {"from": "viewer", "to": "member"}


@pytest.mark.parametrize(("target", "new_role"), [("member", "admin"), ("member", "owner"), ("owner", "member")])
def test_admin_cannot_grant_or_touch_roles_at_or_above_own(
    api: httpx.Client, admin_db: Client, make_org: Callable[..., SeededOrg], target: str, new_role: str
) -> None:
    org = make_org()
    uid = org[target].uid
    response = api.patch(f"/v1/orgs/{org.org_id}/members/{uid}", json={"role": new_role}, headers=org["admin"].headers)
    assert response.status_code == 403
    assert role_in(admin_db, org.org_id, uid) == target
    assert org_audit(admin_db, org.org_id) == []


def test_admin_cannot_demote_another_admin(
    api: httpx.Client, admin_db: Client, make_org: Callable[..., SeededOrg]
) -> None:
    org = make_org()
    add_member(admin_db, org.org_id, "second-admin", "admin")
    response = api.patch(
        f"/v1/orgs/{org.org_id}/members/second-admin", json={"role": "viewer"}, headers=org["admin"].headers
    )
    assert response.status_code == 403
    assert role_in(admin_db, org.org_id, "second-admin") == "admin"


def test_owner_grants_owner(api: httpx.Client, admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org()
    uid = org["admin"].uid
    response = api.patch(f"/v1/orgs/{org.org_id}/members/{uid}", json={"role": "owner"}, headers=org["owner"].headers)
    assert response.status_code == 200
    assert role_in(admin_db, org.org_id, uid) == "owner"


def test_last_owner_cannot_demote_themselves(
    api: httpx.Client, admin_db: Client, make_org: Callable[..., SeededOrg]
) -> None:
    org = make_org()
    owner = org["owner"]
    response = api.patch(f"/v1/orgs/{org.org_id}/members/{owner.uid}", json={"role": "admin"}, headers=owner.headers)
    assert response.status_code == 409
    assert response.json()["code"] == "failed_precondition"
    assert role_in(admin_db, org.org_id, owner.uid) == "owner"


def test_owner_may_step_down_when_another_owner_remains(
    api: httpx.Client, admin_db: Client, make_org: Callable[..., SeededOrg]
) -> None:
    org = make_org()
    owner = org["owner"]
    add_member(admin_db, org.org_id, "co-owner", "owner")
    response = api.patch(f"/v1/orgs/{org.org_id}/members/{owner.uid}", json={"role": "admin"}, headers=owner.headers)
    assert response.status_code == 200
    assert role_in(admin_db, org.org_id, owner.uid) == "admin"


def test_last_owner_cannot_leave(api: httpx.Client, admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org()
    owner = org["owner"]
    response = api.delete(f"/v1/orgs/{org.org_id}/members/{owner.uid}", headers=owner.headers)
    assert response.status_code == 409
    assert role_in(admin_db, org.org_id, owner.uid) == "owner"


def test_viewer_may_leave(api: httpx.Client, admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org()
    viewer = org["viewer"]
    assert api.delete(f"/v1/orgs/{org.org_id}/members/{viewer.uid}", headers=viewer.headers).status_code == 204
    assert role_in(admin_db, org.org_id, viewer.uid) is None
    assert [entry["action"] for entry in org_audit(admin_db, org.org_id)] == ["member.left"]


def test_member_cannot_remove_someone_else(
    api: httpx.Client, admin_db: Client, make_org: Callable[..., SeededOrg]
) -> None:
    org = make_org()
    response = api.delete(f"/v1/orgs/{org.org_id}/members/{org['viewer'].uid}", headers=org["member"].headers)
    assert response.status_code == 403
    assert role_in(admin_db, org.org_id, org["viewer"].uid) == "viewer"


def test_admin_cannot_remove_owner_but_owner_can_remove_admin(
    api: httpx.Client, admin_db: Client, make_org: Callable[..., SeededOrg]
) -> None:
    org = make_org()
    denied = api.delete(f"/v1/orgs/{org.org_id}/members/{org['owner'].uid}", headers=org["admin"].headers)
    assert denied.status_code == 403
    removed = api.delete(f"/v1/orgs/{org.org_id}/members/{org['admin'].uid}", headers=org["owner"].headers)
    assert removed.status_code == 204
    assert role_in(admin_db, org.org_id, org["admin"].uid) is None
    assert [entry["action"] for entry in org_audit(admin_db, org.org_id)] == ["member.removed"]


def test_unknown_member_is_404_and_bad_role_is_422(api: httpx.Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org()
    owner = org["owner"].headers
    assert api.patch(f"/v1/orgs/{org.org_id}/members/nobody", json={"role": "member"}, headers=owner).status_code == 404
    bad = api.patch(f"/v1/orgs/{org.org_id}/members/{org['viewer'].uid}", json={"role": "god"}, headers=owner)
    assert bad.status_code == 422


def test_removed_member_is_refused_by_the_api_at_once(api: httpx.Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org()
    member = org["member"]
    assert api.get(f"/v1/orgs/{org.org_id}", headers=member.headers).status_code == 200
    assert api.delete(f"/v1/orgs/{org.org_id}/members/{member.uid}", headers=org["admin"].headers).status_code == 204
    # Same ID token, still carrying the old role in its claims: the API reads the membership doc.
    assert api.get(f"/v1/orgs/{org.org_id}", headers=member.headers).status_code == 404
    assert api.get(f"/v1/orgs/{org.org_id}/members", headers=member.headers).status_code == 404


def test_concurrent_owner_demotions_always_leave_an_owner(
    api: httpx.Client, admin_db: Client, make_org: Callable[..., SeededOrg]
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    org = make_org(roles=("owner", "admin"))
    first = org["owner"]
    second = org["admin"]
    admin_db.document(f"orgs/{org.org_id}/members/{second.uid}").update({"role": "owner"})

    def step_down(who: str) -> int:
        user = org[who]
        with httpx.Client(base_url=str(api.base_url), timeout=60) as client:
            url = f"/v1/orgs/{org.org_id}/members/{user.uid}"
            return client.patch(url, json={"role": "admin"}, headers=user.headers).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(pool.map(step_down, ["owner", "admin"]))
    assert statuses == [200, 409]
    roles = sorted(str(role_in(admin_db, org.org_id, u.uid)) for u in (first, second))
    assert roles == ["admin", "owner"]


def test_api_admits_a_member_whose_token_lacks_the_org(api: httpx.Client, make_org: Callable[..., SeededOrg]) -> None:
    """Claims over capacity (or not yet refreshed): the API reads the membership doc."""
    org = make_org(claims=False)
    assert "o" not in org["viewer"].claims
    assert api.get(f"/v1/orgs/{org.org_id}", headers=org["viewer"].headers).json()["role"] == "viewer"

"""`GET /v1/orgs/{orgId}/audit`: the org's audit trail, newest first, paged (who may read it: test_matrix)."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.support.orgs import SeededOrg


def test_admin_reads_the_audit_log_newest_first_in_pages(api: httpx.Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org()
    admin = org["admin"].headers
    for n in range(3):
        created = api.post(
            f"/v1/orgs/{org.org_id}/invites", json={"email": f"guest{n}@example.com", "role": "viewer"}, headers=admin
        )
        assert created.status_code == 201, created.text
    url = f"/v1/orgs/{org.org_id}/audit"
    first = api.get(url, params={"limit": 2}, headers=admin)
    assert first.status_code == 200, first.text
    page = first.json()
    assert [e["details"]["email"] for e in page["items"]] == ["guest2@example.com", "guest1@example.com"]
    assert all(e["action"] == "invite.created" and e["actorUid"] == org["admin"].uid for e in page["items"])
    assert page["nextCursor"]
    rest = api.get(url, params={"limit": 2, "cursor": page["nextCursor"]}, headers=admin).json()
    assert [e["details"]["email"] for e in rest["items"]] == ["guest0@example.com"]
    assert rest["nextCursor"] is None
    assert "token" not in str(page) + str(rest)


def test_audit_cursor_from_another_listing_is_refused(api: httpx.Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org()
    owner = org["owner"].headers
    for name in ("One", "Two"):
        assert api.post(f"/v1/orgs/{org.org_id}/projects", json={"name": name}, headers=owner).status_code == 201
    cursor = api.get(f"/v1/orgs/{org.org_id}/projects", params={"limit": 1}, headers=owner).json()["nextCursor"]
    refused = api.get(f"/v1/orgs/{org.org_id}/audit", params={"cursor": cursor}, headers=owner)
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_cursor"
    unknown = api.get(f"/v1/orgs/{org.org_id}/audit", params={"action": "x"}, headers=owner)
    assert unknown.status_code == 422

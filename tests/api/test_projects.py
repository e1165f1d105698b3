"""Projects over REST: CRUD, the role matrix, ETags, validation, outsiders see nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.support.auth import AuthUser
from tests.support.orgs import SeededOrg
from tests.support.resources import assert_problem, create_project, headers, project_url, projects_url

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def project_ids(db: Client, org_id: str) -> list[str]:
    return [d.id for d in db.collection(f"orgs/{org_id}/projects").stream()]


def test_admin_creates_reads_updates_and_deletes_a_project(
    api: httpx.Client, make_org: Callable[..., SeededOrg], admin_db: Client
) -> None:
    org = make_org()
    admin = org["admin"]

    created = api.post(
        projects_url(org.org_id), json={"name": "  Launch  ", "description": "Q3"}, headers=admin.headers
    )
    assert created.status_code == 201, created.text
    project = created.json()
    assert project["name"] == "Launch"  # trimmed
    assert project["description"] == "Q3"
    assert project["archived"] is False
    assert project["orgId"] == org.org_id
    assert project["createdBy"] == admin.uid
    assert created.headers["etag"].startswith('"')
    assert created.headers["location"].endswith(f"/v1/orgs/{org.org_id}/projects/{project['id']}")
    stored = admin_db.document(f"orgs/{org.org_id}/projects/{project['id']}").get().to_dict()
    assert stored is not None
    assert stored["name"] == "Launch"
    assert stored["createdBy"] == admin.uid

    fetched = api.get(project_url(org.org_id, project["id"]), headers=org["viewer"].headers)
    assert fetched.status_code == 200
    assert fetched.json()["name"] == "Launch"
    assert fetched.headers["etag"] == created.headers["etag"]

    updated = api.patch(
        project_url(org.org_id, project["id"]),
        json={"name": "Launch v2", "archived": True},
        headers=headers(admin, If_Match=fetched.headers["etag"]),
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["name"] == "Launch v2"
    assert updated.json()["archived"] is True
    assert updated.json()["description"] == "Q3"
    assert updated.headers["etag"] != fetched.headers["etag"]
    assert (
        api.get(project_url(org.org_id, project["id"]), headers=admin.headers).headers["etag"]
        == (updated.headers["etag"])
    )

    listed = api.get(projects_url(org.org_id), headers=org["viewer"].headers)
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()["items"]] == [project["id"]]
    assert listed.json()["nextCursor"] is None

    deleted = api.delete(project_url(org.org_id, project["id"]), headers=admin.headers)
    assert deleted.status_code == 204
    assert project_ids(admin_db, org.org_id) == []
    assert_problem(api.get(project_url(org.org_id, project["id"]), headers=admin.headers), 404, "not_found")
    assert_problem(api.delete(project_url(org.org_id, project["id"]), headers=admin.headers), 404, "not_found")
    audit = [d.to_dict() for d in admin_db.collection(f"orgs/{org.org_id}/audit").stream()]
    assert [(a["action"], a["actorUid"]) for a in audit] == [("project.deleted", admin.uid)]


@pytest.mark.parametrize("role", ["owner", "admin"])
def test_admins_and_owners_may_create_projects(
    api: httpx.Client, make_org: Callable[..., SeededOrg], role: str
) -> None:
    org = make_org(roles=(role,))
    assert create_project(api, org[role], org.org_id)["createdBy"] == org[role].uid


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_member_and_viewer_cannot_create_update_or_delete_projects(
    api: httpx.Client, make_org: Callable[..., SeededOrg], admin_db: Client, role: str
) -> None:
    org = make_org()
    project = create_project(api, org["admin"], org.org_id)
    user = org[role]

    assert_problem(
        api.post(projects_url(org.org_id), json={"name": "X"}, headers=user.headers), 403, "permission_denied"
    )
    assert_problem(
        api.patch(project_url(org.org_id, project["id"]), json={"name": "X"}, headers=user.headers),
        403,
        "permission_denied",
    )
    assert_problem(api.delete(project_url(org.org_id, project["id"]), headers=user.headers), 403, "permission_denied")

    assert project_ids(admin_db, org.org_id) == [project["id"]]
    stored = admin_db.document(f"orgs/{org.org_id}/projects/{project['id']}").get().to_dict()
    assert stored is not None
    assert stored["name"] == "Launch"


def test_outsider_gets_404_for_everything_in_the_org(
    api: httpx.Client, make_org: Callable[..., SeededOrg], make_user: Callable[..., AuthUser], admin_db: Client
) -> None:
    org = make_org()
    project = create_project(api, org["owner"], org.org_id)
    outsider = make_user()

    for response in (
        api.get(projects_url(org.org_id), headers=outsider.headers),
        api.post(projects_url(org.org_id), json={"name": "Mine"}, headers=outsider.headers),
        api.get(project_url(org.org_id, project["id"]), headers=outsider.headers),
        api.patch(project_url(org.org_id, project["id"]), json={"name": "Mine"}, headers=outsider.headers),
        api.delete(project_url(org.org_id, project["id"]), headers=outsider.headers),
        api.get(projects_url("no-such-org"), headers=outsider.headers),
    ):
        assert_problem(response, 404, "not_found")
    assert project_ids(admin_db, org.org_id) == [project["id"]]


def test_requests_without_a_valid_token_are_401(api: httpx.Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org(roles=("owner",))
    assert_problem(api.get(projects_url(org.org_id)), 401, "unauthenticated")
    assert_problem(
        api.post(projects_url(org.org_id), json={"name": "X"}, headers={"Authorization": "Bearer not-a-jwt"}),
        401,
        "unauthenticated",
    )


def test_missing_project_is_404(api: httpx.Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org(roles=("admin",))
    assert_problem(api.get(project_url(org.org_id, "nope"), headers=org["admin"].headers), 404, "not_found")
    assert_problem(
        api.patch(project_url(org.org_id, "nope"), json={"name": "X"}, headers=org["admin"].headers), 404, "not_found"
    )


def test_patch_with_a_stale_if_match_is_412_and_changes_nothing(
    api: httpx.Client, make_org: Callable[..., SeededOrg], admin_db: Client
) -> None:
    org = make_org(roles=("admin",))
    admin = org["admin"]
    created = api.post(projects_url(org.org_id), json={"name": "A"}, headers=admin.headers)
    stale = created.headers["etag"]
    url = project_url(org.org_id, created.json()["id"])
    assert api.patch(url, json={"name": "B"}, headers=headers(admin, If_Match=stale)).status_code == 200

    assert_problem(
        api.patch(url, json={"name": "C"}, headers=headers(admin, If_Match=stale)), 412, "precondition_failed"
    )
    assert_problem(api.delete(url, headers=headers(admin, If_Match=stale)), 412, "precondition_failed")
    assert_problem(api.patch(url, json={"name": "C"}, headers=headers(admin, If_Match='"bogus"')), 412)
    stored = admin_db.document(f"orgs/{org.org_id}/projects/{created.json()['id']}").get().to_dict()
    assert stored is not None
    assert stored["name"] == "B"
    # `*` matches any current version.
    assert api.patch(url, json={"name": "D"}, headers=headers(admin, If_Match="*")).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 121},
        {"name": 42},
        {"name": "ok", "archived": False},  # not settable on create
        {"name": "ok", "createdBy": "someone-else"},
        {"name": "ok", "stats": {"taskCount": 99}},
        {"name": "ok", "description": "x" * 5001},
        {"name": "bell\u0007"},
    ],
)
def test_invalid_project_bodies_are_422_and_write_nothing(
    api: httpx.Client, make_org: Callable[..., SeededOrg], admin_db: Client, body: dict[str, object]
) -> None:
    org = make_org(roles=("admin",))
    problem = assert_problem(
        api.post(projects_url(org.org_id), json=body, headers=org["admin"].headers), 422, "validation_failed"
    )
    assert problem["errors"]
    assert project_ids(admin_db, org.org_id) == []


@pytest.mark.parametrize(
    "body",
    [{}, {"name": None}, {"archived": "yes"}, {"archived": None}, {"stats": {"taskCount": 1}}, {"id": "other"}],
)
def test_invalid_project_patches_are_422_and_change_nothing(
    api: httpx.Client, make_org: Callable[..., SeededOrg], admin_db: Client, body: dict[str, object]
) -> None:
    org = make_org(roles=("admin",))
    project = create_project(api, org["admin"], org.org_id)
    assert_problem(api.patch(project_url(org.org_id, project["id"]), json=body, headers=org["admin"].headers), 422)
    stored = admin_db.document(f"orgs/{org.org_id}/projects/{project['id']}").get().to_dict()
    assert stored is not None
    assert (stored["name"], stored["archived"]) == ("Launch", False)


def test_malformed_json_and_bad_path_ids_are_problems(api: httpx.Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org(roles=("admin",))
    admin = org["admin"]
    response = api.post(
        projects_url(org.org_id), content=b"{not json", headers={**admin.headers, "Content-Type": "application/json"}
    )
    assert_problem(response, 422)
    assert_problem(api.get(project_url(org.org_id, "a" * 129), headers=admin.headers), 422, "validation_failed")
    assert_problem(api.get(project_url(org.org_id, "bad.id"), headers=admin.headers), 422, "validation_failed")
    assert_problem(api.get(project_url(org.org_id, "__reserved__"), headers=admin.headers), 422, "validation_failed")


def test_oversized_project_body_is_413(api: httpx.Client, make_org: Callable[..., SeededOrg], admin_db: Client) -> None:
    org = make_org(roles=("admin",))
    big = b'{"name": "x", "description": "' + b"y" * (1024 * 1024) + b'"}'
    response = api.post(
        projects_url(org.org_id), content=big, headers={**org["admin"].headers, "Content-Type": "application/json"}
    )
    assert_problem(response, 413, "payload_too_large")
    assert project_ids(admin_db, org.org_id) == []


def test_list_projects_filters_archived_and_refuses_unknown_parameters(
    api: httpx.Client, make_org: Callable[..., SeededOrg]
) -> None:
    org = make_org(roles=("admin",))
    admin = org["admin"]
    active = create_project(api, admin, org.org_id, "Active")
    old = create_project(api, admin, org.org_id, "Old")
    assert (
        api.patch(project_url(org.org_id, old["id"]), json={"archived": True}, headers=admin.headers).status_code == 200
    )

    def names(params: dict[str, str]) -> list[str]:
        response = api.get(projects_url(org.org_id), params=params, headers=admin.headers)
        assert response.status_code == 200, response.text
        return [p["name"] for p in response.json()["items"]]

    assert names({}) == ["Active", "Old"]
    assert names({"archived": "false"}) == ["Active"]
    assert names({"archived": "true"}) == ["Old"]
    assert active["id"] != old["id"]
    assert_problem(api.get(projects_url(org.org_id), params={"archivd": "true"}, headers=admin.headers), 422)
    for limit in ("0", "101", "ten"):
        assert_problem(api.get(projects_url(org.org_id), params={"limit": limit}, headers=admin.headers), 422)


def test_wrong_method_and_wrong_content_type_are_problems_and_write_nothing(
    api: httpx.Client, make_org: Callable[..., SeededOrg], admin_db: Client
) -> None:
    org = make_org(roles=("admin",))
    admin = org["admin"]
    project = create_project(api, admin, org.org_id)
    assert_problem(api.put(project_url(org.org_id, project["id"]), json={"name": "X"}, headers=admin.headers), 405)
    response = api.post(
        projects_url(org.org_id), content=b'{"name": "X"}', headers={**admin.headers, "Content-Type": "text/plain"}
    )
    assert 400 <= response.status_code < 500
    assert_problem(response, response.status_code)
    assert project_ids(admin_db, org.org_id) == [project["id"]]

"""Tasks over REST: CRUD, role checks, assignee validation, filters, validation."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.support.auth import AuthUser
from tests.support.orgs import SeededOrg
from tests.support.resources import assert_problem, create_project, create_task, headers, task_url, tasks_url

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def task_ids(db: Client, org_id: str, project_id: str) -> list[str]:
    return [d.id for d in db.collection(f"orgs/{org_id}/projects/{project_id}/tasks").stream()]


@pytest.fixture
def org(make_org: Callable[..., SeededOrg]) -> SeededOrg:
    return make_org()


@pytest.fixture
def project(api: httpx.Client, org: SeededOrg) -> dict[str, Any]:
    return create_project(api, org["admin"], org.org_id)


def test_member_creates_reads_and_updates_a_task_and_admin_deletes_it(
    api: httpx.Client, org: SeededOrg, project: dict[str, Any], admin_db: Client
) -> None:
    member = org["member"]
    url = tasks_url(org.org_id, project["id"])
    created = api.post(
        url,
        json={
            "title": "Write launch post",
            "description": "Draft, then review",
            "status": "doing",
            "assigneeUid": org["viewer"].uid,
            "dueAt": "2030-05-01T12:00:00+02:00",
            "labels": ["blog", "launch"],
        },
        headers=member.headers,
    )
    assert created.status_code == 201, created.text
    task = created.json()
    assert task["title"] == "Write launch post"
    assert task["status"] == "doing"
    assert task["assigneeUid"] == org["viewer"].uid
    assert task["dueAt"].startswith("2030-05-01T10:00:00")
    assert task["labels"] == ["blog", "launch"]
    assert (task["orgId"], task["projectId"], task["createdBy"]) == (org.org_id, project["id"], member.uid)
    assert task["commentCount"] == 0
    etag = created.headers["etag"]

    stored = admin_db.document(f"orgs/{org.org_id}/projects/{project['id']}/tasks/{task['id']}").get().to_dict()
    assert stored is not None
    assert stored["status"] == "doing"
    assert stored["assigneeUid"] == org["viewer"].uid
    assert "assignee" not in stored  # derived by a trigger, never by the API

    fetched = api.get(task_url(org.org_id, project["id"], task["id"]), headers=org["viewer"].headers)
    assert fetched.status_code == 200
    assert fetched.headers["etag"] == etag
    assert fetched.json()["title"] == "Write launch post"

    updated = api.patch(
        task_url(org.org_id, project["id"], task["id"]),
        json={"status": "done", "assigneeUid": None, "dueAt": None},
        headers=headers(member, If_Match=etag),
    )
    assert updated.status_code == 200, updated.text
    body = updated.json()
    assert (body["status"], body["assigneeUid"], body["dueAt"]) == ("done", None, None)
    assert body["title"] == "Write launch post"
    assert updated.headers["etag"] != etag
    assert (body["updatedBy"], body["createdBy"]) == (member.uid, member.uid)

    assert_problem(api.delete(task_url(org.org_id, project["id"], task["id"]), headers=member.headers), 403)
    assert api.delete(task_url(org.org_id, project["id"], task["id"]), headers=org["admin"].headers).status_code == 204
    assert task_ids(admin_db, org.org_id, project["id"]) == []
    assert_problem(api.get(task_url(org.org_id, project["id"], task["id"]), headers=member.headers), 404, "not_found")


def test_viewer_cannot_create_or_update_tasks(
    api: httpx.Client, org: SeededOrg, project: dict[str, Any], admin_db: Client
) -> None:
    task = create_task(api, org["member"], org.org_id, project["id"])
    viewer = org["viewer"]
    assert_problem(
        api.post(tasks_url(org.org_id, project["id"]), json={"title": "Nope"}, headers=viewer.headers),
        403,
        "permission_denied",
    )
    assert_problem(
        api.patch(task_url(org.org_id, project["id"], task["id"]), json={"title": "Nope"}, headers=viewer.headers),
        403,
        "permission_denied",
    )
    assert_problem(api.delete(task_url(org.org_id, project["id"], task["id"]), headers=viewer.headers), 403)
    assert task_ids(admin_db, org.org_id, project["id"]) == [task["id"]]


def test_outsider_gets_404_on_tasks(
    api: httpx.Client, org: SeededOrg, project: dict[str, Any], make_user: Callable[..., AuthUser]
) -> None:
    task = create_task(api, org["member"], org.org_id, project["id"])
    outsider = make_user()
    for response in (
        api.get(tasks_url(org.org_id, project["id"]), headers=outsider.headers),
        api.post(tasks_url(org.org_id, project["id"]), json={"title": "x"}, headers=outsider.headers),
        api.get(task_url(org.org_id, project["id"], task["id"]), headers=outsider.headers),
        api.patch(task_url(org.org_id, project["id"], task["id"]), json={"title": "x"}, headers=outsider.headers),
        api.delete(task_url(org.org_id, project["id"], task["id"]), headers=outsider.headers),
    ):
        assert_problem(response, 404, "not_found")


def test_tasks_need_an_existing_unarchived_project(
    api: httpx.Client, org: SeededOrg, project: dict[str, Any], admin_db: Client
) -> None:
    member = org["member"]
    assert_problem(api.post(tasks_url(org.org_id, "missing"), json={"title": "x"}, headers=member.headers), 404)
    assert_problem(api.get(tasks_url(org.org_id, "missing"), headers=member.headers), 404)
    archived = api.patch(
        f"/v1/orgs/{org.org_id}/projects/{project['id']}", json={"archived": True}, headers=org["admin"].headers
    )
    assert archived.status_code == 200
    assert_problem(
        api.post(tasks_url(org.org_id, project["id"]), json={"title": "x"}, headers=member.headers),
        409,
        "failed_precondition",
    )
    assert task_ids(admin_db, org.org_id, project["id"]) == []


def test_assignee_must_be_a_member_of_the_org(
    api: httpx.Client,
    org: SeededOrg,
    project: dict[str, Any],
    make_user: Callable[..., AuthUser],
    admin_db: Client,
) -> None:
    member = org["member"]
    outsider = make_user()
    problem = assert_problem(
        api.post(
            tasks_url(org.org_id, project["id"]),
            json={"title": "x", "assigneeUid": outsider.uid},
            headers=member.headers,
        ),
        409,
        "assignee_not_member",
    )
    assert problem["errors"][0]["loc"] == ["body", "assigneeUid"]
    assert task_ids(admin_db, org.org_id, project["id"]) == []

    task = create_task(api, member, org.org_id, project["id"], assigneeUid=member.uid)
    url = task_url(org.org_id, project["id"], task["id"])
    refused = api.patch(url, json={"assigneeUid": outsider.uid}, headers=member.headers)
    assert_problem(refused, 409, "assignee_not_member")
    assert api.patch(url, json={"assigneeUid": org["admin"].uid}, headers=member.headers).json()["assigneeUid"] == (
        org["admin"].uid
    )


def test_list_tasks_filters_by_status_and_assignee(api: httpx.Client, org: SeededOrg, project: dict[str, Any]) -> None:
    member, admin = org["member"], org["admin"]
    pid = project["id"]
    t1 = create_task(api, member, org.org_id, pid, title="a", status="todo", assigneeUid=member.uid)
    t2 = create_task(api, member, org.org_id, pid, title="b", status="doing", assigneeUid=member.uid)
    t3 = create_task(api, member, org.org_id, pid, title="c", status="doing", assigneeUid=admin.uid)
    t4 = create_task(api, member, org.org_id, pid, title="d", status="done")

    def listed(**params: str) -> list[str]:
        response = api.get(tasks_url(org.org_id, pid), params=params, headers=org["viewer"].headers)
        assert response.status_code == 200, response.text
        return [t["id"] for t in response.json()["items"]]

    assert listed() == [t1["id"], t2["id"], t3["id"], t4["id"]]
    assert listed(status="doing") == [t2["id"], t3["id"]]
    assert listed(assigneeUid=member.uid) == [t1["id"], t2["id"]]
    assert listed(status="doing", assigneeUid=member.uid) == [t2["id"]]
    assert listed(status="done", assigneeUid=admin.uid) == []
    assert_problem(api.get(tasks_url(org.org_id, pid), params={"status": "blocked"}, headers=member.headers), 422)
    assert_problem(api.get(tasks_url(org.org_id, pid), params={"assignee": member.uid}, headers=member.headers), 422)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": ""},
        {"title": 7},
        {"title": ["x"]},
        {"title": "x" * 201},
        {"title": "x", "status": "blocked"},
        {"title": "x", "status": "DONE"},
        {"title": "x", "priority": "high"},
        {"title": "x", "commentCount": 5},
        {"title": "x", "assignee": {"uid": "u", "displayName": "Mallory"}},
        {"title": "x", "assigneeUid": "has/slash"},
        {"title": "x", "dueAt": "tomorrow"},
        {"title": "x", "dueAt": "2030-01-01T00:00:00"},
        {"title": "x", "dueAt": 1893456000},
        {"title": "x", "dueAt": "0001-01-01T00:00:00+01:00"},
        {"title": "x", "labels": "urgent"},
        {"title": "x", "labels": ["a"] * 2},
        {"title": "x", "labels": [f"l{i}" for i in range(21)]},
        {"title": "x", "labels": ["y" * 41]},
        {"title": "x", "description": "z" * 10001},
    ],
)
def test_invalid_task_bodies_are_422_and_write_nothing(
    api: httpx.Client, org: SeededOrg, project: dict[str, Any], admin_db: Client, body: dict[str, object]
) -> None:
    response = api.post(tasks_url(org.org_id, project["id"]), json=body, headers=org["member"].headers)
    assert_problem(response, 422, "validation_failed")
    assert task_ids(admin_db, org.org_id, project["id"]) == []


@pytest.mark.parametrize(
    "body",
    [{}, {"title": None}, {"status": None}, {"labels": None}, {"status": "blocked"}, {"createdBy": "x"}, {"title": 1}],
)
def test_invalid_task_patches_are_422_and_change_nothing(
    api: httpx.Client, org: SeededOrg, project: dict[str, Any], admin_db: Client, body: dict[str, object]
) -> None:
    task = create_task(api, org["member"], org.org_id, project["id"], title="Original")
    url = task_url(org.org_id, project["id"], task["id"])
    assert_problem(api.patch(url, json=body, headers=org["member"].headers), 422, "validation_failed")
    stored = admin_db.document(f"orgs/{org.org_id}/projects/{project['id']}/tasks/{task['id']}").get().to_dict()
    assert stored is not None
    assert (stored["title"], stored["status"]) == ("Original", "todo")


def test_oversized_task_body_is_413_and_writes_nothing(
    api: httpx.Client, org: SeededOrg, project: dict[str, Any], admin_db: Client
) -> None:
    big = b'{"title": "' + b"t" * (1024 * 1024 + 10) + b'"}'
    response = api.post(
        tasks_url(org.org_id, project["id"]),
        content=big,
        headers={**org["member"].headers, "Content-Type": "application/json"},
    )
    assert_problem(response, 413, "payload_too_large")
    assert task_ids(admin_db, org.org_id, project["id"]) == []


def test_get_with_current_etag_in_if_none_match_is_304_without_body(
    api: httpx.Client, org: SeededOrg, project: dict[str, Any]
) -> None:
    member = org["member"]
    task = create_task(api, member, org.org_id, project["id"])
    url = task_url(org.org_id, project["id"], task["id"])
    etag = api.get(url, headers=member.headers).headers["etag"]

    unchanged = api.get(url, headers=headers(member, If_None_Match=etag))
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged.headers["etag"] == etag
    assert api.get(url, headers=headers(member, If_None_Match=f"W/{etag}")).status_code == 304

    assert api.patch(url, json={"status": "doing"}, headers=member.headers).status_code == 200
    changed = api.get(url, headers=headers(member, If_None_Match=etag))
    assert changed.status_code == 200
    assert changed.json()["status"] == "doing"
    # Access is checked before freshness: an outsider never learns the version.
    assert_problem(api.get(url, headers={"If-None-Match": etag}), 401)

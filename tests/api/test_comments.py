"""Comments over REST: members comment and edit their own; admins moderate; outsiders see nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.support.auth import AuthUser
from tests.support.orgs import SeededOrg
from tests.support.resources import (
    assert_problem,
    comment_url,
    comments_url,
    create_comment,
    create_project,
    create_task,
    headers,
)

if TYPE_CHECKING:
    from google.cloud.firestore import Client


@pytest.fixture
def org(make_org: Callable[..., SeededOrg]) -> SeededOrg:
    return make_org()


@pytest.fixture
def task(api: httpx.Client, org: SeededOrg) -> dict[str, Any]:
    project = create_project(api, org["admin"], org.org_id)
    return create_task(api, org["member"], org.org_id, project["id"])


def stored_comment(db: Client, task: dict[str, Any], comment_id: str) -> dict[str, Any] | None:
    path = f"orgs/{task['orgId']}/projects/{task['projectId']}/tasks/{task['id']}/comments/{comment_id}"
    data: dict[str, Any] | None = db.document(path).get().to_dict()
    return data


def ids(task: dict[str, Any]) -> tuple[str, str, str]:
    return task["orgId"], task["projectId"], task["id"]


def test_member_comments_lists_edits_and_deletes_own_comment(
    api: httpx.Client, org: SeededOrg, task: dict[str, Any], admin_db: Client
) -> None:
    member = org["member"]
    created = api.post(comments_url(*ids(task)), json={"body": "First!"}, headers=member.headers)
    assert created.status_code == 201, created.text
    comment = created.json()
    assert (comment["body"], comment["authorUid"], comment["editedAt"]) == ("First!", member.uid, None)
    assert created.headers["etag"]
    second = create_comment(api, org["admin"], *ids(task), body="Second")

    listed = api.get(comments_url(*ids(task)), headers=org["viewer"].headers)
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()["items"]] == [comment["id"], second["id"]]

    fetched = api.get(comment_url(*ids(task), comment["id"]), headers=org["viewer"].headers)
    assert fetched.status_code == 200
    assert fetched.json() == comment
    assert fetched.headers["etag"] == created.headers["etag"]

    edited = api.patch(
        comment_url(*ids(task), comment["id"]),
        json={"body": "First, edited"},
        headers=headers(member, If_Match=created.headers["etag"]),
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["body"] == "First, edited"
    assert edited.json()["editedAt"] is not None
    assert edited.headers["etag"] != created.headers["etag"]

    assert api.delete(comment_url(*ids(task), comment["id"]), headers=member.headers).status_code == 204
    assert stored_comment(admin_db, task, comment["id"]) is None
    assert stored_comment(admin_db, task, second["id"]) is not None


def test_member_cannot_edit_or_delete_another_members_comment(
    api: httpx.Client, org: SeededOrg, task: dict[str, Any], admin_db: Client
) -> None:
    by_admin = create_comment(api, org["admin"], *ids(task), body="Admin's")
    member = org["member"]
    url = comment_url(*ids(task), by_admin["id"])
    assert_problem(api.patch(url, json={"body": "hijacked"}, headers=member.headers), 403, "permission_denied")
    assert_problem(api.delete(url, headers=member.headers), 403, "permission_denied")
    stored = stored_comment(admin_db, task, by_admin["id"])
    assert stored is not None
    assert stored["body"] == "Admin's"


@pytest.mark.parametrize("moderator", ["admin", "owner"])
def test_admin_and_owner_can_edit_and_delete_anyones_comment(
    api: httpx.Client, org: SeededOrg, task: dict[str, Any], admin_db: Client, moderator: str
) -> None:
    by_member = create_comment(api, org["member"], *ids(task), body="Spam")
    url = comment_url(*ids(task), by_member["id"])
    edited = api.patch(url, json={"body": "[removed]"}, headers=org[moderator].headers)
    assert edited.status_code == 200, edited.text
    assert edited.json()["authorUid"] == org["member"].uid  # moderation keeps the author
    assert edited.json()["editedBy"] == org[moderator].uid
    assert api.delete(url, headers=org[moderator].headers).status_code == 204
    assert stored_comment(admin_db, task, by_member["id"]) is None


def test_viewer_cannot_comment_but_can_read(
    api: httpx.Client, org: SeededOrg, task: dict[str, Any], admin_db: Client
) -> None:
    viewer = org["viewer"]
    assert_problem(
        api.post(comments_url(*ids(task)), json={"body": "hi"}, headers=viewer.headers), 403, "permission_denied"
    )
    assert api.get(comments_url(*ids(task)), headers=viewer.headers).json() == {"items": [], "nextCursor": None}


def test_outsider_gets_404_on_comments(
    api: httpx.Client, org: SeededOrg, task: dict[str, Any], make_user: Callable[..., AuthUser]
) -> None:
    comment = create_comment(api, org["member"], *ids(task))
    outsider = make_user()
    for response in (
        api.get(comments_url(*ids(task)), headers=outsider.headers),
        api.post(comments_url(*ids(task)), json={"body": "x"}, headers=outsider.headers),
        api.patch(comment_url(*ids(task), comment["id"]), json={"body": "x"}, headers=outsider.headers),
        api.delete(comment_url(*ids(task), comment["id"]), headers=outsider.headers),
    ):
        assert_problem(response, 404, "not_found")


def test_comment_on_missing_task_or_missing_comment_is_404(
    api: httpx.Client, org: SeededOrg, task: dict[str, Any]
) -> None:
    member = org["member"]
    org_id, project_id, _ = ids(task)
    assert_problem(api.post(comments_url(org_id, project_id, "gone"), json={"body": "x"}, headers=member.headers), 404)
    assert_problem(api.get(comments_url(org_id, project_id, "gone"), headers=member.headers), 404)
    assert_problem(api.patch(comment_url(*ids(task), "gone"), json={"body": "x"}, headers=member.headers), 404)


def test_stale_if_match_on_comment_is_412(api: httpx.Client, org: SeededOrg, task: dict[str, Any]) -> None:
    member = org["member"]
    created = api.post(comments_url(*ids(task)), json={"body": "v1"}, headers=member.headers)
    url = comment_url(*ids(task), created.json()["id"])
    assert api.patch(url, json={"body": "v2"}, headers=member.headers).status_code == 200
    assert_problem(
        api.patch(url, json={"body": "v3"}, headers=headers(member, If_Match=created.headers["etag"])),
        412,
        "precondition_failed",
    )


@pytest.mark.parametrize(
    "body", [{}, {"body": ""}, {"body": "   "}, {"body": 5}, {"body": "x" * 5001}, {"body": "x", "authorUid": "me"}]
)
def test_invalid_comments_are_422_and_write_nothing(
    api: httpx.Client, org: SeededOrg, task: dict[str, Any], admin_db: Client, body: dict[str, object]
) -> None:
    assert_problem(api.post(comments_url(*ids(task)), json=body, headers=org["member"].headers), 422)
    path = f"orgs/{task['orgId']}/projects/{task['projectId']}/tasks/{task['id']}/comments"
    assert list(admin_db.collection(path).stream()) == []


def test_retried_comment_with_idempotency_key_is_created_once(
    api: httpx.Client, org: SeededOrg, task: dict[str, Any], admin_db: Client
) -> None:
    request_headers = headers(org["member"], Idempotency_Key="comment-retry-0001")
    first = api.post(comments_url(*ids(task)), json={"body": "once"}, headers=request_headers)
    retry = api.post(comments_url(*ids(task)), json={"body": "once"}, headers=request_headers)
    assert first.status_code == retry.status_code == 201
    assert first.json()["id"] == retry.json()["id"]
    path = f"orgs/{task['orgId']}/projects/{task['projectId']}/tasks/{task['id']}/comments"
    assert [d.id for d in admin_db.collection(path).stream()] == [first.json()["id"]]

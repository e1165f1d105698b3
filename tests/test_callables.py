"""The callable functions, over the Functions emulator's callable protocol.

Same models and services as REST: the payload is the REST body plus the path
ids; the result is the REST response body; errors carry callable codes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from firebrick.models.refs import OrgRef
from tests.support.auth import AuthUser
from tests.support.emulators import Emulators
from tests.support.orgs import SeededOrg, caller_of

if TYPE_CHECKING:
    from google.cloud.firestore import Client


class Caller:
    """POST {"data": ...} to a callable with the user's ID token, like the Firebase SDKs do."""

    def __init__(self, emulators: Emulators) -> None:
        self.emulators = emulators
        self.http = httpx.Client(timeout=60)

    def __call__(self, name: str, user: AuthUser | None, data: Any) -> httpx.Response:
        request_headers = {"Content-Type": "application/json", **(user.headers if user else {})}
        return self.http.post(self.emulators.callable_url(name), json={"data": data}, headers=request_headers)


@pytest.fixture
def call(clean: Emulators) -> Caller:
    return Caller(clean)


def result(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()["result"]
    return body


def error(response: httpx.Response, status: str, code: str | None = None) -> dict[str, Any]:
    """The callable error with this status (e.g. PERMISSION_DENIED) and firebrick code."""
    assert response.status_code >= 400, response.text
    err: dict[str, Any] = response.json()["error"]
    assert err["status"] == status, err
    if code is not None:
        assert err["details"]["code"] == code, err
    assert "Traceback" not in response.text
    return err


def docs(db: Client, path: str) -> list[dict[str, Any]]:
    return [{"id": d.id, **(d.to_dict() or {})} for d in db.collection(path).stream()]


def test_project_task_and_comment_lifecycle_through_callables(
    call: Caller, make_org: Callable[..., SeededOrg], admin_db: Client, api: httpx.Client
) -> None:
    org = make_org()
    project = result(
        call("projects_create", org["admin"], {"orgId": org.org_id, "name": "Mobile", "description": "v1"})
    )
    assert (project["name"], project["orgId"], project["archived"]) == ("Mobile", org.org_id, False)
    assert [p["id"] for p in docs(admin_db, f"orgs/{org.org_id}/projects")] == [project["id"]]

    task = result(
        call(
            "tasks_create",
            org["member"],
            {"orgId": org.org_id, "projectId": project["id"], "title": "Ship", "assigneeUid": org["member"].uid},
        )
    )
    assert (task["title"], task["status"], task["assigneeUid"]) == ("Ship", "todo", org["member"].uid)
    tasks_path = f"orgs/{org.org_id}/projects/{project['id']}/tasks"
    assert [t["id"] for t in docs(admin_db, tasks_path)] == [task["id"]]

    updated = result(
        call(
            "tasks_update",
            org["member"],
            {"orgId": org.org_id, "projectId": project["id"], "taskId": task["id"], "status": "done"},
        )
    )
    assert (updated["id"], updated["status"], updated["title"]) == (task["id"], "done", "Ship")
    assert docs(admin_db, tasks_path)[0]["status"] == "done"

    comment = result(
        call(
            "comments_create",
            org["member"],
            {"orgId": org.org_id, "projectId": project["id"], "taskId": task["id"], "body": "Shipped"},
        )
    )
    assert (comment["body"], comment["authorUid"], comment["taskId"]) == ("Shipped", org["member"].uid, task["id"])

    # The callable result is exactly what REST returns for the same resource, up to the fields
    # the derived-state triggers have filled in since (assignee, counts).
    rest = api.get(f"/v1/orgs/{org.org_id}/projects/{project['id']}/tasks/{task['id']}", headers=org["viewer"].headers)
    derived = ("assignee", "commentCount", "attachmentCount", "updatedAt")
    assert set(rest.json()) == set(updated)
    assert {k: v for k, v in rest.json().items() if k not in derived} == {
        k: v for k, v in updated.items() if k not in derived
    }


def test_callables_enforce_the_role_matrix(
    call: Caller, make_org: Callable[..., SeededOrg], make_user: Callable[..., AuthUser], admin_db: Client
) -> None:
    org = make_org()
    project = result(call("projects_create", org["owner"], {"orgId": org.org_id, "name": "P"}))
    task_ids = {"orgId": org.org_id, "projectId": project["id"]}

    error(
        call("projects_create", org["member"], {"orgId": org.org_id, "name": "X"}),
        "PERMISSION_DENIED",
        "permission_denied",
    )
    error(call("tasks_create", org["viewer"], {**task_ids, "title": "X"}), "PERMISSION_DENIED", "permission_denied")
    outsider = make_user()
    error(call("tasks_create", outsider, {**task_ids, "title": "X"}), "NOT_FOUND", "not_found")
    error(call("projects_create", outsider, {"orgId": org.org_id, "name": "X"}), "NOT_FOUND", "not_found")
    error(call("tasks_create", None, {**task_ids, "title": "X"}), "UNAUTHENTICATED")

    assert [p["id"] for p in docs(admin_db, f"orgs/{org.org_id}/projects")] == [project["id"]]
    assert docs(admin_db, f"orgs/{org.org_id}/projects/{project['id']}/tasks") == []


@pytest.mark.parametrize(
    "payload",
    [
        {"title": "x"},  # no path ids
        {"orgId": 5, "projectId": "p", "title": "x"},
        {"orgId": "o/x", "projectId": "p", "title": "x"},
        {"projectId": "PID", "title": 7},
        {"projectId": "PID", "title": "x", "status": "blocked"},
        {"projectId": "PID", "title": "x", "unknown": True},
        {"projectId": "PID", "title": "x" * 201},
        {"projectId": "PID", "title": "x", "commentCount": 3},
        ["not", "an", "object"],
    ],
)
def test_invalid_callable_payloads_are_invalid_argument_and_write_nothing(
    call: Caller, make_org: Callable[..., SeededOrg], admin_db: Client, payload: Any
) -> None:
    org = make_org(roles=("admin", "member"))
    project = result(call("projects_create", org["admin"], {"orgId": org.org_id, "name": "P"}))
    if isinstance(payload, dict) and payload.get("projectId") == "PID":
        payload = {**payload, "orgId": org.org_id, "projectId": project["id"]}
    err = error(call("tasks_create", org["member"], payload), "INVALID_ARGUMENT", "validation_failed")
    assert "details" in err
    assert docs(admin_db, f"orgs/{org.org_id}/projects/{project['id']}/tasks") == []


def test_callable_errors_map_missing_resources_and_bad_assignees(
    call: Caller, make_org: Callable[..., SeededOrg], make_user: Callable[..., AuthUser]
) -> None:
    org = make_org(roles=("admin", "member"))
    project = result(call("projects_create", org["admin"], {"orgId": org.org_id, "name": "P"}))
    ids = {"orgId": org.org_id, "projectId": project["id"]}
    error(call("tasks_create", org["member"], {"orgId": org.org_id, "projectId": "nope", "title": "x"}), "NOT_FOUND")
    error(call("tasks_update", org["member"], {**ids, "taskId": "nope", "title": "x"}), "NOT_FOUND", "not_found")
    error(call("comments_create", org["member"], {**ids, "taskId": "nope", "body": "x"}), "NOT_FOUND", "not_found")
    stranger = make_user()
    err = error(
        call("tasks_create", org["member"], {**ids, "title": "x", "assigneeUid": stranger.uid}), "FAILED_PRECONDITION"
    )
    assert err["details"]["code"] == "assignee_not_member"
    task = result(call("tasks_create", org["member"], {**ids, "title": "x"}))
    error(call("tasks_update", org["member"], {**ids, "taskId": task["id"]}), "INVALID_ARGUMENT", "validation_failed")


def test_callable_task_in_archived_project_is_failed_precondition(
    call: Caller, make_org: Callable[..., SeededOrg], api: httpx.Client, admin_db: Client
) -> None:
    org = make_org(roles=("admin", "member"))
    project = result(call("projects_create", org["admin"], {"orgId": org.org_id, "name": "Old"}))
    archived = api.patch(
        f"/v1/orgs/{org.org_id}/projects/{project['id']}", json={"archived": True}, headers=org["admin"].headers
    )
    assert archived.status_code == 200
    payload = {"orgId": org.org_id, "projectId": project["id"], "title": "x"}
    error(call("tasks_create", org["member"], payload), "FAILED_PRECONDITION", "failed_precondition")
    assert docs(admin_db, f"orgs/{org.org_id}/projects/{project['id']}/tasks") == []


def test_orgs_create_makes_the_caller_owner(call: Caller, make_user: Callable[..., AuthUser], admin_db: Client) -> None:
    founder = make_user()
    org = result(call("orgs_create", founder, {"name": "  Acme  "}))
    assert (org["name"], org["role"], org["createdBy"]) == ("Acme", "owner", founder.uid)
    member = admin_db.document(f"orgs/{org['id']}/members/{founder.uid}").get().to_dict()
    assert member is not None
    assert member["role"] == "owner"
    actions = [str(s.get("action")) for s in admin_db.collection(f"orgs/{org['id']}/audit").stream()]
    assert actions == ["org.created"]


def test_orgs_create_refuses_bad_payloads_and_anonymous_callers(
    call: Caller, make_user: Callable[..., AuthUser], admin_db: Client
) -> None:
    user = make_user()
    for payload in ({}, {"name": ""}, {"name": "x" * 101}, {"name": "Acme", "orgId": "sneaky"}, ["Acme"]):
        error(call("orgs_create", user, payload), "INVALID_ARGUMENT", "validation_failed")
    error(call("orgs_create", None, {"name": "Acme"}), "UNAUTHENTICATED")
    assert list(admin_db.collection("orgs").stream()) == []


def test_invites_accept_joins_only_the_invited_email(
    call: Caller, make_org: Callable[..., SeededOrg], make_user: Callable[..., AuthUser], admin_db: Client
) -> None:
    from firebrick.models.invites import InviteCreate
    from firebrick.services.invites import create_invite

    org = make_org()
    body = InviteCreate.model_validate({"email": "guest@example.com", "role": "member"})
    invite = create_invite(caller_of(admin_db, org["owner"]), OrgRef(org_id=org.org_id), body).resource.model_dump()
    intruder = make_user(email="intruder@example.com")
    error(call("invites_accept", intruder, {"token": invite["token"]}), "PERMISSION_DENIED")
    error(call("invites_accept", intruder, {"token": "not-a-token-at-all"}), "INVALID_ARGUMENT")

    guest = make_user(email="guest@example.com")
    assert result(call("invites_accept", guest, {"token": invite["token"]})) == {"orgId": org.org_id, "role": "member"}
    member = admin_db.document(f"orgs/{org.org_id}/members/{guest.uid}").get().to_dict()
    assert member is not None
    assert member["role"] == "member"
    error(call("invites_accept", guest, {"token": invite["token"]}), "FAILED_PRECONDITION")

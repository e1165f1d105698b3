"""Every principal x every endpoint and callable -> the answer the spec's roles table gives.

Two tables drive the tests: `ROWS` (REST) and `CALLABLE_ROWS` (callables).
`test_every_route_has_a_row` walks the routes of `create_app()` and
`test_every_callable_has_a_row` the callables of `firebrick.callables`: anything
registered without a row fails the suite, so nothing can ship without its access
decisions written down. How to add a row: docs/rbac.md ("Extending the API matrix").
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from firebrick.context import Caller
from firebrick.models.refs import OrgRef
from tests.support.auth import AuthEmulator, AuthUser
from tests.support.emulators import Emulators
from tests.support.identity import STRONG_PASSWORD
from tests.support.orgs import ROLES, SeededOrg, add_member, caller_of, seed_org

if TYPE_CHECKING:
    from google.cloud.firestore import Client

PRINCIPALS = ("owner", "admin", "member", "viewer", "outsider", "platform_admin", "anonymous")


@dataclass
class World:
    """The org under test and every kind of caller."""

    db: Client
    org: SeededOrg
    callers: dict[str, AuthUser | None]

    @property
    def org_ref(self) -> OrgRef:
        return OrgRef(org_id=self.org.org_id)


@dataclass(frozen=True)
class Call:
    """Path parameters (beyond the defaults) and JSON body for one request."""

    params: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # exactly as registered in the app, e.g. "/v1/orgs/{orgId}/members/{uid}"
    expect: dict[str, int]
    #: Runs before each principal's request: fresh targets, so one principal's
    #: success (a delete) cannot change what the next one sees.
    prepare: Callable[[World], Call] = lambda world: Call()

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


def answers(
    *,
    owner: int,
    admin: int,
    member: int,
    viewer: int,
    outsider: int,
    platform_admin: int,
    anonymous: int = 401,
) -> dict[str, int]:
    return {
        "owner": owner,
        "admin": admin,
        "member": member,
        "viewer": viewer,
        "outsider": outsider,
        "platform_admin": platform_admin,
        "anonymous": anonymous,
    }


def everyone(status: int) -> dict[str, int]:
    """Any signed-in caller gets `status`; anonymous callers 401."""
    return answers(owner=status, admin=status, member=status, viewer=status, outsider=status, platform_admin=status)


def public(status: int) -> dict[str, int]:
    """Every caller, signed in or not, gets `status`."""
    return {**everyone(status), "anonymous": status}


def owners_credentials(world: World) -> AuthUser:
    owner = world.callers["owner"]
    assert owner is not None
    return owner


# ---- Preparations -------------------------------------------------------------------


def fresh_viewer_target(world: World) -> Call:
    """A new viewer in the org, to be promoted or removed."""
    uid = f"target-{uuid.uuid4().hex[:10]}"
    add_member(world.db, world.org.org_id, uid, "viewer")
    return Call(params={"uid": uid})


def fresh_org(world: World) -> Call:
    """A throwaway org in which the seeded callers hold the same roles (for deletes)."""
    org_id = f"org{uuid.uuid4().hex[:12]}"
    for role in ROLES:
        add_member(world.db, org_id, world.org[role].uid, role)
    world.db.document(f"orgs/{org_id}").set({"name": "Doomed", "createdBy": world.org["owner"].uid})
    return Call(params={"orgId": org_id})


def invite_for_someone_else(world: World) -> Call:
    """A valid invitation addressed to an email none of the callers has."""
    from firebrick.models.invites import InviteCreate
    from firebrick.services.invites import create_invite

    body = InviteCreate.model_validate({"email": "nobody-here@example.com", "role": "member"})
    invite = create_invite(_as(world, "owner"), world.org_ref, body).resource
    return Call(body={"token": invite.token})


def _as(world: World, role: str) -> Caller:
    """One of the seeded callers, calling a service directly (to seed targets)."""
    user = world.callers[role]
    assert user is not None
    return caller_of(world.db, user)


def fresh_project(world: World) -> Call:
    """A new project in the org (so deletes and edits never see another caller's leftovers)."""
    from firebrick.models.projects import ProjectCreate
    from firebrick.services.projects import create_project

    body = ProjectCreate.model_validate({"name": f"Project {uuid.uuid4().hex[:6]}"})
    project = create_project(_as(world, "owner"), world.org_ref, body).resource
    return Call(params={"projectId": project.id})


def fresh_task(world: World) -> Call:
    """A new task in a new project."""
    from firebrick.models.tasks import TaskCreate
    from firebrick.services.tasks import create_task

    params = fresh_project(world).params
    body = TaskCreate.model_validate({"title": "Ship it"})
    task = create_task(_as(world, "owner"), world.org_ref.project(params["projectId"]), body).resource
    return Call(params={**params, "taskId": task.id})


def comment_by(author: str) -> Callable[[World], Call]:
    """A new comment written by the seeded `author` role on a new task."""

    def prepare(world: World) -> Call:
        from firebrick.models.comments import CommentCreate
        from firebrick.services.comments import create_comment

        params = fresh_task(world).params
        task = world.org_ref.project(params["projectId"]).task(params["taskId"])
        comment = create_comment(_as(world, author), task, CommentCreate.model_validate({"body": "Looks good"}))
        return Call(params={**params, "commentId": comment.resource.id})

    return prepare


def fresh_service_token(world: World) -> Call:
    """A new, unrevoked service token of the org."""
    from firebrick.models.tokens import ServiceTokenCreate
    from firebrick.services.service_tokens import create_service_token

    body = ServiceTokenCreate.model_validate({"name": "ci", "role": "member", "expiresInDays": 1})
    created = create_service_token(_as(world, "owner"), world.org_ref, body).resource
    return Call(params={"tokenId": created.id})


def with_body(prepare: Callable[[World], Call], body: dict[str, Any]) -> Callable[[World], Call]:
    return lambda world: Call(prepare(world).params, body)


# ---- The table ------------------------------------------------------------------------

#: Reads: every member and platform admins.
READERS = answers(owner=200, admin=200, member=200, viewer=200, outsider=404, platform_admin=200)
#: admin+ writes; platform admins are read-only.
ADMINS = answers(owner=200, admin=200, member=403, viewer=403, outsider=404, platform_admin=403)
ADMINS_CREATE = {**ADMINS, "owner": 201, "admin": 201}
ADMINS_DELETE = {**ADMINS, "owner": 204, "admin": 204}
#: member+ writes.
MEMBERS = answers(owner=200, admin=200, member=200, viewer=403, outsider=404, platform_admin=403)
MEMBERS_CREATE = {**MEMBERS, "owner": 201, "admin": 201, "member": 201}
MEMBERS_DELETE = {**MEMBERS, "owner": 204, "admin": 204, "member": 204}

ROWS: list[Row] = [
    # Public documents.
    Row("GET", "/v1/health", public(200)),
    Row("GET", "/v1/openapi.json", public(200)),
    Row("GET", "/v1/docs", public(200)),
    Row("GET", "/v1/callables.schema.json", public(200)),
    Row("GET", "/v1/.well-known/jwks.json", public(200)),
    # Accounts: signing up and in is public; everything else is the caller's own account.
    Row(
        "POST",
        "/v1/auth/register",
        public(201),
        lambda world: Call(
            body={"email": f"new-{uuid.uuid4().hex[:8]}@example.com", "password": STRONG_PASSWORD, "displayName": "N"}
        ),
    ),
    Row(
        "POST",
        "/v1/auth/login",
        public(200),
        lambda world: Call(
            body={"email": owners_credentials(world).email, "password": owners_credentials(world).password}
        ),
    ),
    Row(
        "POST",
        "/v1/auth/refresh",
        public(200),
        lambda world: Call(body={"refreshToken": owners_credentials(world).refresh_token}),
    ),
    Row(
        "POST",
        "/v1/auth/session",
        public(204),
        lambda world: Call(body={"idToken": owners_credentials(world).id_token}),
    ),
    Row("POST", "/v1/auth/logout", everyone(204)),
    Row("DELETE", "/v1/auth/session", everyone(204)),
    Row("POST", "/v1/auth/mfa/totp/enroll", everyone(200)),
    # Nobody here has started an enrollment or has TOTP: a code is a 409 for every user.
    Row("POST", "/v1/auth/mfa/totp/confirm", everyone(409), lambda world: Call(body={"code": "123456"})),
    Row(
        "POST",
        "/v1/auth/mfa/step-up",
        everyone(409),
        lambda world: Call(body={"code": "123456", "purpose": "delete_account"}),
    ),
    Row("GET", "/v1/me", everyone(200)),
    # The owner is the org's only owner: deleting the account would leave it without one.
    Row(
        "DELETE",
        "/v1/me",
        answers(owner=409, admin=204, member=204, viewer=204, outsider=204, platform_admin=204),
    ),
    # Orgs.
    Row("GET", "/v1/orgs", everyone(200)),
    Row("POST", "/v1/orgs", everyone(201), lambda world: Call(body={"name": "Another org"})),
    Row(
        "GET",
        "/v1/orgs/{orgId}",
        answers(owner=200, admin=200, member=200, viewer=200, outsider=404, platform_admin=200),
    ),
    Row(
        "PATCH",
        "/v1/orgs/{orgId}",
        answers(owner=200, admin=403, member=403, viewer=403, outsider=404, platform_admin=403),
        lambda world: Call(body={"name": f"Renamed {uuid.uuid4().hex[:6]}"}),
    ),
    Row(
        "DELETE",
        "/v1/orgs/{orgId}",
        answers(owner=204, admin=403, member=403, viewer=403, outsider=404, platform_admin=403),
        fresh_org,
    ),
    Row(
        "GET",
        "/v1/orgs/{orgId}/members",
        answers(owner=200, admin=200, member=200, viewer=200, outsider=404, platform_admin=200),
    ),
    Row(
        "PATCH",
        "/v1/orgs/{orgId}/members/{uid}",
        answers(owner=200, admin=200, member=403, viewer=403, outsider=404, platform_admin=403),
        lambda world: Call(fresh_viewer_target(world).params, {"role": "member"}),
    ),
    Row(
        "DELETE",
        "/v1/orgs/{orgId}/members/{uid}",
        answers(owner=204, admin=204, member=403, viewer=403, outsider=404, platform_admin=403),
        fresh_viewer_target,
    ),
    Row(
        "POST",
        "/v1/orgs/{orgId}/invites",
        answers(owner=201, admin=201, member=403, viewer=403, outsider=404, platform_admin=403),
        lambda world: Call(body={"email": f"new-{uuid.uuid4().hex[:8]}@example.com", "role": "member"}),
    ),
    # Not org-scoped: the token names the org. Nobody but the invited email may use it.
    Row("POST", "/v1/invites/accept", everyone(403), invite_for_someone_else),
    # Projects: read viewer+, write admin+.
    Row("GET", "/v1/orgs/{orgId}/projects", READERS),
    Row("POST", "/v1/orgs/{orgId}/projects", ADMINS_CREATE, lambda world: Call(body={"name": "Roadmap"})),
    Row("GET", "/v1/orgs/{orgId}/projects/{projectId}", READERS, fresh_project),
    Row("PATCH", "/v1/orgs/{orgId}/projects/{projectId}", ADMINS, with_body(fresh_project, {"name": "Renamed"})),
    Row("DELETE", "/v1/orgs/{orgId}/projects/{projectId}", ADMINS_DELETE, fresh_project),
    # Tasks: read viewer+, create/update member+, delete admin+.
    Row("GET", "/v1/orgs/{orgId}/projects/{projectId}/tasks", READERS, fresh_project),
    Row(
        "POST",
        "/v1/orgs/{orgId}/projects/{projectId}/tasks",
        MEMBERS_CREATE,
        with_body(fresh_project, {"title": "Write the docs"}),
    ),
    Row("GET", "/v1/orgs/{orgId}/projects/{projectId}/tasks/{taskId}", READERS, fresh_task),
    Row(
        "PATCH",
        "/v1/orgs/{orgId}/projects/{projectId}/tasks/{taskId}",
        MEMBERS,
        with_body(fresh_task, {"status": "doing"}),
    ),
    Row("DELETE", "/v1/orgs/{orgId}/projects/{projectId}/tasks/{taskId}", ADMINS_DELETE, fresh_task),
    # Comments: read viewer+, write member+; edit/delete own (member) or any (admin+).
    Row("GET", "/v1/orgs/{orgId}/projects/{projectId}/tasks/{taskId}/comments", READERS, fresh_task),
    Row(
        "POST",
        "/v1/orgs/{orgId}/projects/{projectId}/tasks/{taskId}/comments",
        MEMBERS_CREATE,
        with_body(fresh_task, {"body": "On it"}),
    ),
    Row(
        "GET",
        "/v1/orgs/{orgId}/projects/{projectId}/tasks/{taskId}/comments/{commentId}",
        READERS,
        comment_by("member"),
    ),
    # The member's own comment: the member may edit and delete it.
    Row(
        "PATCH",
        "/v1/orgs/{orgId}/projects/{projectId}/tasks/{taskId}/comments/{commentId}",
        MEMBERS,
        with_body(comment_by("member"), {"body": "Edited"}),
    ),
    Row(
        "DELETE",
        "/v1/orgs/{orgId}/projects/{projectId}/tasks/{taskId}/comments/{commentId}",
        MEMBERS_DELETE,
        comment_by("member"),
    ),
    # Someone else's (the admin's) comment: only admin+ may edit or delete it.
    Row(
        "PATCH",
        "/v1/orgs/{orgId}/projects/{projectId}/tasks/{taskId}/comments/{commentId}",
        ADMINS,
        with_body(comment_by("admin"), {"body": "Moderated"}),
    ),
    Row(
        "DELETE",
        "/v1/orgs/{orgId}/projects/{projectId}/tasks/{taskId}/comments/{commentId}",
        ADMINS_DELETE,
        comment_by("admin"),
    ),
    # Service tokens: admin+ (platform admins cannot manage them).
    Row(
        "POST",
        "/v1/orgs/{orgId}/tokens",
        ADMINS_CREATE,
        lambda world: Call(body={"name": "ci", "role": "member", "expiresInDays": 30}),
    ),
    Row("GET", "/v1/orgs/{orgId}/tokens", ADMINS),
    Row("DELETE", "/v1/orgs/{orgId}/tokens/{tokenId}", ADMINS_DELETE, fresh_service_token),
    # Audit log: admin+, and platform admins (support).
    Row(
        "GET",
        "/v1/orgs/{orgId}/audit",
        answers(owner=200, admin=200, member=403, viewer=403, outsider=404, platform_admin=200),
    ),
]


def registered_routes() -> set[tuple[str, str]]:
    """(method, full path) of every route of the real app, included routers flattened."""
    from fastapi.routing import iter_route_contexts

    from firebrick.api.app import create_app
    from firebrick.api.lazy_routes import with_every_route

    return {
        (method, context.path)
        for context in iter_route_contexts(with_every_route(create_app()).routes)
        for method in context.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }


def test_every_route_has_a_row() -> None:
    registered = registered_routes()
    assert ("GET", "/v1/orgs/{orgId}/projects") in registered  # the walk sees the real, prefixed paths
    in_table = {(row.method, row.path) for row in ROWS}
    assert registered - in_table == set(), "routes without a row in the API matrix (see docs/rbac.md)"
    assert in_table - registered == set(), "rows for routes the app does not register"


def test_every_row_answers_every_principal() -> None:
    for row in ROWS:
        assert set(row.expect) == set(PRINCIPALS), row.id


def seed_world(db: Client, auth_emulator: AuthEmulator, name: str) -> World:
    """An org with a user per role, plus an outsider, a platform admin and no one (anonymous)."""
    org = seed_org(db, auth_emulator, name=name)
    callers: dict[str, AuthUser | None] = {role: org[role] for role in ROLES}
    callers["outsider"] = auth_emulator.create_user()
    callers["platform_admin"] = auth_emulator.create_user(claims={"admin": True})
    callers["anonymous"] = None
    return World(db, org, callers)


@pytest.fixture
def world(admin_db: Client, auth_emulator: AuthEmulator) -> World:
    return seed_world(admin_db, auth_emulator, "Matrix")


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_endpoint_answers_each_principal_as_the_roles_table_says(row: Row, world: World, api: httpx.Client) -> None:
    got: dict[str, int] = {}
    for principal in PRINCIPALS:
        call = row.prepare(world)
        params = {"orgId": world.org.org_id, **call.params}
        caller = world.callers[principal]
        response = api.request(
            row.method,
            row.path.format(**params),
            json=call.body,
            headers=caller.headers if caller else {},
        )
        got[principal] = response.status_code
        if response.status_code >= 400:
            assert response.headers["content-type"].startswith("application/problem+json"), row.id
    assert got == row.expect


# ---- Callables ---------------------------------------------------------------------------

#: A callable that succeeded (HTTP 200 with a `result`).
OK = "OK"


def callable_answers(
    *, owner: str, admin: str, member: str, viewer: str, outsider: str, platform_admin: str
) -> dict[str, str]:
    statuses = answers(owner=0, admin=0, member=0, viewer=0, outsider=0, platform_admin=0)
    chosen = {
        "owner": owner,
        "admin": admin,
        "member": member,
        "viewer": viewer,
        "outsider": outsider,
        "platform_admin": platform_admin,
    }
    return {principal: chosen.get(principal, "UNAUTHENTICATED") for principal in statuses}


CALLABLE_MEMBERS = callable_answers(
    owner=OK, admin=OK, member=OK, viewer="PERMISSION_DENIED", outsider="NOT_FOUND", platform_admin="PERMISSION_DENIED"
)


@dataclass(frozen=True)
class CallableRow:
    name: str
    expect: dict[str, str]
    #: The payload (REST body + path ids), made fresh before each principal's call.
    payload: Callable[[World], dict[str, Any]]


def _task_ids(world: World) -> dict[str, str]:
    params = fresh_task(world).params
    return {"orgId": world.org.org_id, "projectId": params["projectId"], "taskId": params["taskId"]}


CALLABLE_ROWS: list[CallableRow] = [
    CallableRow(
        "orgs_create",
        callable_answers(owner=OK, admin=OK, member=OK, viewer=OK, outsider=OK, platform_admin=OK),
        lambda world: {"name": "By callable"},
    ),
    CallableRow(
        "invites_accept",
        callable_answers(
            owner="PERMISSION_DENIED",
            admin="PERMISSION_DENIED",
            member="PERMISSION_DENIED",
            viewer="PERMISSION_DENIED",
            outsider="PERMISSION_DENIED",
            platform_admin="PERMISSION_DENIED",
        ),
        lambda world: dict(invite_for_someone_else(world).body or {}),
    ),
    CallableRow(
        "projects_create",
        {**CALLABLE_MEMBERS, "member": "PERMISSION_DENIED"},
        lambda world: {"orgId": world.org.org_id, "name": "Roadmap"},
    ),
    CallableRow(
        "tasks_create",
        CALLABLE_MEMBERS,
        lambda world: {"orgId": world.org.org_id, "projectId": fresh_project(world).params["projectId"], "title": "T"},
    ),
    CallableRow("tasks_update", CALLABLE_MEMBERS, lambda world: {**_task_ids(world), "status": "done"}),
    CallableRow("comments_create", CALLABLE_MEMBERS, lambda world: {**_task_ids(world), "body": "On it"}),
]


def test_every_callable_has_a_row() -> None:
    from firebrick.callables import CALLABLES

    assert {row.name for row in CALLABLE_ROWS} == set(CALLABLES)
    for row in CALLABLE_ROWS:
        assert set(row.expect) == set(PRINCIPALS), row.name


@pytest.mark.parametrize("row", CALLABLE_ROWS, ids=lambda row: row.name)
def test_callable_answers_each_principal_as_the_roles_table_says(
    row: CallableRow, world: World, clean: Emulators
) -> None:
    got: dict[str, str] = {}
    with httpx.Client(timeout=60) as http:
        for principal in PRINCIPALS:
            caller = world.callers[principal]
            response = http.post(
                clean.callable_url(row.name),
                json={"data": row.payload(world)},
                headers=caller.headers if caller else {},
            )
            got[principal] = OK if response.status_code == 200 else response.json()["error"]["status"]
    assert got == row.expect

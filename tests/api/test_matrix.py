"""Every principal x every org-scoped endpoint -> the status the spec's roles table gives.

One table (`ROWS`) drives the test. `test_every_org_scoped_route_has_a_row` walks
the routes of `create_app()`: a route under `/v1/orgs`, `/v1/invites` or with an
`{orgId}` path parameter that has no row fails the suite, so a new endpoint cannot
ship without its access decisions being written down. How to add a row:
docs/rbac.md ("Extending the API matrix").
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.support.auth import AuthEmulator, AuthUser
from tests.support.orgs import ROLES, SeededOrg, add_member, seed_org

if TYPE_CHECKING:
    from google.cloud.firestore import Client

PRINCIPALS = ("owner", "admin", "member", "viewer", "outsider", "platform_admin", "anonymous")


@dataclass
class World:
    """The org under test and every kind of caller."""

    db: Client
    org: SeededOrg
    callers: dict[str, AuthUser | None]


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
    from firebrick.auth.principal import Principal
    from firebrick.policy import Access, Role
    from firebrick.services.invites import create_invite

    owner = Principal(uid=world.org["owner"].uid)
    invite = create_invite(
        world.db, owner, Access(role=Role.owner), world.org.org_id, "nobody-here@example.com", Role.member
    )
    return Call(body={"token": invite["token"]})


def _as(world: World, role: str) -> Any:
    """A service-layer principal for one of the seeded callers (to seed targets directly)."""
    from firebrick.auth.principal import Principal

    user = world.callers[role]
    assert user is not None
    return Principal(uid=user.uid)


def fresh_project(world: World) -> Call:
    """A new project in the org (so deletes and edits never see another caller's leftovers)."""
    from firebrick.models.projects import ProjectCreate
    from firebrick.services.projects import create_project

    body = ProjectCreate.model_validate({"name": f"Project {uuid.uuid4().hex[:6]}"})
    project = create_project(world.db, _as(world, "owner"), world.org.org_id, body).resource
    return Call(params={"projectId": project.id})


def fresh_task(world: World) -> Call:
    """A new task in a new project."""
    from firebrick.models.tasks import TaskCreate
    from firebrick.services.tasks import create_task

    params = fresh_project(world).params
    body = TaskCreate.model_validate({"title": "Ship it"})
    task = create_task(world.db, _as(world, "owner"), world.org.org_id, params["projectId"], body).resource
    return Call(params={**params, "taskId": task.id})


def comment_by(author: str) -> Callable[[World], Call]:
    """A new comment written by the seeded `author` role on a new task."""

    def prepare(world: World) -> Call:
        from firebrick.models.comments import CommentCreate
        from firebrick.services.comments import create_comment

        params = fresh_task(world).params
        body = CommentCreate.model_validate({"body": "Looks good"})
        comment = create_comment(
            world.db, _as(world, author), world.org.org_id, params["projectId"], params["taskId"], body
        ).resource
        return Call(params={**params, "commentId": comment.id})

    return prepare


def fresh_service_token(world: World) -> Call:
    """A new, unrevoked service token of the org."""
    from firebrick.audit import RequestMeta
    from firebrick.policy import Role
    from firebrick.services.service_tokens import create_service_token

    record, _token = create_service_token(
        world.db,
        _as(world, "owner"),
        world.org.org_id,
        name="ci",
        role=Role.member,
        expires_in_days=1,
        step_up_token=None,
        meta=RequestMeta(),
    )
    return Call(params={"tokenId": record.id})


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


def _is_covered_route(path: str) -> bool:
    return "{orgId}" in path or path.startswith(("/v1/orgs", "/v1/invites"))


def registered_routes() -> set[tuple[str, str]]:
    """(method, full path) of every route of the real app, included routers flattened."""
    from fastapi.routing import iter_route_contexts

    from firebrick.api.app import create_app

    return {
        (method, context.path)
        for context in iter_route_contexts(create_app().routes)
        for method in context.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }


def test_every_org_scoped_route_has_a_row() -> None:
    routes = registered_routes()
    assert ("GET", "/v1/health") in routes  # the walk sees the real, prefixed paths
    registered = {(method, path) for method, path in routes if _is_covered_route(path)}
    in_table = {(row.method, row.path) for row in ROWS}
    assert registered - in_table == set(), "routes without a row in the API matrix (see docs/rbac.md)"
    assert in_table - registered == set(), "rows for routes the app does not register"


def test_every_row_answers_every_principal() -> None:
    for row in ROWS:
        assert set(row.expect) == set(PRINCIPALS), row.id


@pytest.fixture
def world(admin_db: Client, auth_emulator: AuthEmulator) -> World:
    org = seed_org(admin_db, auth_emulator, name="Matrix")
    callers: dict[str, AuthUser | None] = {role: org[role] for role in ROLES}
    callers["outsider"] = auth_emulator.create_user()
    callers["platform_admin"] = auth_emulator.create_user(claims={"admin": True})
    callers["anonymous"] = None
    return World(admin_db, org, callers)


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

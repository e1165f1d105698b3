"""Projects: create, read, list, update, delete. No HTTP here; adapters call these.

Only the project document itself is written: a trigger deletes what lies under
a deleted project and maintains `stats` and the org's project count.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from firebrick.audit import record_audit
from firebrick.clock import now
from firebrick.errors import NotFound
from firebrick.ids import new_id
from firebrick.models.common import Page
from firebrick.models.projects import Project, ProjectCreate, ProjectUpdate
from firebrick.policy import Action
from firebrick.services.documents import (
    Versioned,
    create_document,
    delete_document,
    etag_of,
    list_page,
    read_document,
    require,
    update_document,
)

if TYPE_CHECKING:
    from google.cloud.firestore import Client

    from firebrick.auth.principal import Principal


def projects_path(org_id: str) -> str:
    return f"orgs/{org_id}/projects"


def project_path(org_id: str, project_id: str) -> str:
    return f"{projects_path(org_id)}/{project_id}"


def project_not_found() -> NotFound:
    return NotFound("Project not found")


def project_from(org_id: str, project_id: str, data: Mapping[str, Any]) -> Project:
    return Project.model_validate({**data, "id": project_id, "orgId": org_id})


def create_project(
    db: Client, principal: Principal, org_id: str, body: ProjectCreate, *, project_id: str | None = None
) -> Versioned[Project]:
    """Create a project (admin+); `project_id` lets an idempotent retry land on the same document."""
    require(db, principal, org_id, Action.manage_projects)
    project_id = project_id or new_id()
    at = now()
    data: dict[str, Any] = {
        **body.model_dump(by_alias=True),
        "archived": False,
        "createdAt": at,
        "createdBy": principal.uid,
        "updatedAt": at,
        "updatedBy": principal.uid,
    }
    stored, etag = create_document(db.document(project_path(org_id, project_id)), data)
    return Versioned(project_from(org_id, project_id, stored), etag)


def get_project(db: Client, principal: Principal, org_id: str, project_id: str) -> Versioned[Project]:
    require(db, principal, org_id, Action.read)
    snapshot = read_document(db.document(project_path(org_id, project_id)), project_not_found())
    return Versioned(project_from(org_id, project_id, snapshot.to_dict() or {}), etag_of(snapshot.update_time))


def list_projects(
    db: Client,
    principal: Principal,
    org_id: str,
    *,
    limit: int,
    cursor: str | None = None,
    archived: bool | None = None,
) -> Page[Project]:
    """A page of the org's projects, oldest first; `archived` filters when given."""
    require(db, principal, org_id, Action.read)
    query: Any = db.collection(projects_path(org_id))
    scope = f"{projects_path(org_id)}?archived={archived}"
    if archived is not None:
        from google.cloud.firestore import FieldFilter

        query = query.where(filter=FieldFilter("archived", "==", archived))
    items, next_cursor = list_page(
        query, scope=scope, limit=limit, cursor=cursor, build=lambda i, d: project_from(org_id, i, d)
    )
    return Page[Project](items=items, next_cursor=next_cursor)


def update_project(
    db: Client,
    principal: Principal,
    org_id: str,
    project_id: str,
    body: ProjectUpdate,
    *,
    if_match: str | None = None,
) -> Versioned[Project]:
    require(db, principal, org_id, Action.manage_projects)
    # updatedBy lets the activity trigger name who made the change.
    changes = {**body.changes(), "updatedAt": now(), "updatedBy": principal.uid}
    stored, etag = update_document(
        db,
        db.document(project_path(org_id, project_id)),
        if_match=if_match,
        not_found=project_not_found(),
        decide=lambda _current: changes,
    )
    return Versioned(project_from(org_id, project_id, stored), etag)


def delete_project(
    db: Client, principal: Principal, org_id: str, project_id: str, *, if_match: str | None = None
) -> None:
    """Delete the project document (admin+); its tasks go with it through the cascade trigger."""
    require(db, principal, org_id, Action.manage_projects)
    path = project_path(org_id, project_id)
    deleted = delete_document(db, db.document(path), if_match=if_match, not_found=project_not_found())
    details = {"name": deleted.get("name")}
    record_audit(db, "project.deleted", org_id=org_id, actor_uid=principal.uid, target=path, details=details)

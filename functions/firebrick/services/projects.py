"""Projects: create, read, list, update, delete. No HTTP here; adapters call these.

Only the project document itself is written: a trigger deletes what lies under
a deleted project and maintains `stats` and the org's project count.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from firebrick import paths
from firebrick.audit import audit_by
from firebrick.clock import now
from firebrick.context import Caller
from firebrick.errors import NotFound, raises
from firebrick.ids import new_id
from firebrick.models.common import Page
from firebrick.models.projects import Project, ProjectCreate, ProjectListQuery, ProjectUpdate
from firebrick.models.refs import OrgRef, ProjectRef
from firebrick.policy import Action
from firebrick.services import documents
from firebrick.services.access import authorize
from firebrick.services.documents import Versioned

if TYPE_CHECKING:
    from google.cloud.firestore import WriteBatch


def project_not_found() -> NotFound:
    return NotFound("Project not found")


def project_from(ref: ProjectRef, data: Mapping[str, Any]) -> Project:
    return Project.model_validate({**data, "id": ref.project_id, "orgId": ref.org_id})


@raises(authorize, documents.create_document)
def create_project(
    caller: Caller, org: OrgRef, body: ProjectCreate, project_id: str | None = None
) -> Versioned[Project]:
    """Create a project (admin+); `project_id` lets an idempotent retry land on the same document."""
    authorize(caller, org.org_id, Action.manage_projects)
    ref = org.project(project_id or new_id())
    at = now()
    data: dict[str, Any] = {
        **body.model_dump(by_alias=True),
        "archived": False,
        "createdAt": at,
        "createdBy": caller.uid,
        "updatedAt": at,
        "updatedBy": caller.uid,
    }
    stored, etag = documents.create_document(caller.db, ref.path, data)
    return Versioned(project_from(ref, stored), etag)


@raises(documents.read_document)
def get_project(caller: Caller, project: ProjectRef) -> Versioned[Project]:
    authorize(caller, project.org_id, Action.read)
    data, etag = documents.read_document(caller.db, project.path, project_not_found())
    return Versioned(project_from(project, data), etag)


@raises(NotFound, documents.list_page)
def list_projects(caller: Caller, org: OrgRef, query: ProjectListQuery) -> Page[Project]:
    """A page of the org's projects, oldest first; `archived` filters when given."""
    authorize(caller, org.org_id, Action.read)
    collection = paths.projects(org.org_id)
    found: Any = caller.db.collection(collection)
    if query.archived is not None:
        from google.cloud.firestore import FieldFilter

        found = found.where(filter=FieldFilter("archived", "==", query.archived))
    return documents.list_page(
        found,
        scope=f"{collection}?archived={query.archived}",
        limit=query.limit,
        cursor=query.cursor,
        build=lambda i, d: project_from(org.project(i), d),
    )


@raises(authorize, documents.update_document)
def update_project(
    caller: Caller, project: ProjectRef, body: ProjectUpdate, *, if_match: str | None = None
) -> Versioned[Project]:
    authorize(caller, project.org_id, Action.manage_projects)
    # updatedBy lets the activity trigger name who made the change.
    changes = {**body.changes(), "updatedAt": now(), "updatedBy": caller.uid}
    stored, etag = documents.update_document(
        caller.db, project.path, if_match=if_match, not_found=project_not_found(), decide=lambda _current: changes
    )
    return Versioned(project_from(project, stored), etag)


@raises(authorize, documents.delete_document)
def delete_project(caller: Caller, project: ProjectRef, *, if_match: str | None = None) -> None:
    """Delete the project document (admin+); its tasks go with it through the cascade trigger."""
    authorize(caller, project.org_id, Action.manage_projects)

    def audit(deleted: dict[str, Any], batch: WriteBatch) -> None:
        details = {"name": deleted.get("name")}
        audit_by(caller, "project.deleted", project.path, org_id=project.org_id, details=details, writer=batch)

    documents.delete_document(caller.db, project.path, if_match=if_match, not_found=project_not_found(), audit=audit)

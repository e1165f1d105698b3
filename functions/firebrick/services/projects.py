"""Projects: create, read, list, update, delete. No HTTP here; adapters call these.

Only the project document itself is written: a trigger deletes what lies under
a deleted project and maintains `stats` and the org's project count.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from firebrick import paths
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
from firebrick.services.resources import create_resource, delete_audited, resource_reader, update_resource


def project_not_found() -> NotFound:
    return NotFound("Project not found")


def project_from(ref: ProjectRef, data: Mapping[str, Any]) -> Project:
    return Project.model_validate({**data, "id": ref.project_id, "orgId": ref.org_id})


@raises(authorize, create_resource)
def create_project(
    caller: Caller, org: OrgRef, body: ProjectCreate, project_id: str | None = None
) -> Versioned[Project]:
    """Create a project (admin+); `project_id` lets an idempotent retry land on the same document."""
    authorize(caller, org.org_id, Action.manage_projects)
    ref = org.project(project_id or new_id())
    data = {**body.model_dump(by_alias=True), "archived": False, **documents.created_by(caller.uid)}
    return create_resource(caller, ref, data, project_from)


#: Read one project (viewer+), with its ETag.
get_project = resource_reader(project_not_found, project_from)


@raises(NotFound, documents.list_where)
def list_projects(caller: Caller, org: OrgRef, query: ProjectListQuery) -> Page[Project]:
    """A page of the org's projects, oldest first; `archived` filters when given."""
    authorize(caller, org.org_id, Action.read)
    collection = paths.projects(org.org_id)
    filters = {"archived": query.archived}
    return documents.list_where(caller.db, collection, query, lambda i, d: project_from(org.project(i), d), filters)


@raises(authorize, update_resource)
def update_project(
    caller: Caller, project: ProjectRef, body: ProjectUpdate, *, if_match: str | None = None
) -> Versioned[Project]:
    authorize(caller, project.org_id, Action.manage_projects)
    changes = {**body.changes(), **documents.changed_by(caller.uid)}
    return update_resource(
        caller, project, project_from, if_match=if_match, not_found=project_not_found(), decide=lambda _: changes
    )


@raises(delete_audited)
def delete_project(caller: Caller, project: ProjectRef, *, if_match: str | None = None) -> None:
    """Delete the project document (admin+); its tasks go with it through the cascade trigger."""
    delete_audited(
        caller,
        project,
        Action.manage_projects,
        project_not_found(),
        if_match=if_match,
        event="project.deleted",
        label="name",
    )

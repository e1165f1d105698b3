"""Tasks of a project: create, read, list (filtered), update, delete. No HTTP here.

Derived fields (`assignee`, `commentCount`, `attachmentCount`) are written by
triggers, never here; deleting a task deletes only its document (a trigger
removes its comments and attachments).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from firebrick import paths
from firebrick.audit import audit_by
from firebrick.clock import now
from firebrick.context import Caller
from firebrick.errors import AssigneeNotMember, FailedPrecondition, NotFound, raises
from firebrick.ids import new_id
from firebrick.models.common import Page
from firebrick.models.refs import ProjectRef, TaskRef
from firebrick.models.tasks import Task, TaskCreate, TaskListQuery, TaskUpdate
from firebrick.policy import Action
from firebrick.services import documents
from firebrick.services.access import authorize
from firebrick.services.documents import Versioned
from firebrick.services.projects import project_not_found

if TYPE_CHECKING:
    from google.cloud.firestore import WriteBatch


def task_not_found() -> NotFound:
    return NotFound("Task not found")


def task_from(ref: TaskRef, data: Mapping[str, Any]) -> Task:
    return Task.model_validate({**data, "id": ref.task_id, "orgId": ref.org_id, "projectId": ref.project_id})


@raises(AssigneeNotMember)
def _check_assignee(caller: Caller, org_id: str, assignee_uid: str | None) -> None:
    """Tasks may only be assigned to members of their org."""
    if assignee_uid is None:
        return
    if not caller.db.document(paths.member(org_id, assignee_uid)).get().exists:
        raise AssigneeNotMember(
            "The assignee is not a member of this organization",
            errors=[{"loc": ["body", "assigneeUid"], "msg": "not a member of the org", "type": "assignee_not_member"}],
        )


@raises(authorize, documents.read_document, FailedPrecondition, _check_assignee, documents.create_document)
def create_task(caller: Caller, project: ProjectRef, body: TaskCreate, task_id: str | None = None) -> Versioned[Task]:
    """Create a task (member+) in an existing, unarchived project."""
    authorize(caller, project.org_id, Action.write_task)
    project_doc, _ = documents.read_document(caller.db, project.path, project_not_found())
    if project_doc.get("archived") is True:
        raise FailedPrecondition("The project is archived; unarchive it to add tasks")
    _check_assignee(caller, project.org_id, body.assignee_uid)
    ref = project.task(task_id or new_id())
    at = now()
    data: dict[str, Any] = {
        **body.model_dump(by_alias=True),
        # Stored for collection-group queries ("my tasks across projects") and rules.
        "orgId": ref.org_id,
        "projectId": ref.project_id,
        "createdAt": at,
        "createdBy": caller.uid,
        "updatedAt": at,
        "updatedBy": caller.uid,
    }
    stored, etag = documents.create_document(caller.db, ref.path, data)
    return Versioned(task_from(ref, stored), etag)


@raises(documents.read_document)
def get_task(caller: Caller, task: TaskRef) -> Versioned[Task]:
    authorize(caller, task.org_id, Action.read)
    data, etag = documents.read_document(caller.db, task.path, task_not_found())
    return Versioned(task_from(task, data), etag)


@raises(documents.read_document, documents.list_page)
def list_tasks(caller: Caller, project: ProjectRef, query: TaskListQuery) -> Page[Task]:
    """A page of the project's tasks, oldest first, optionally filtered by status and assignee.

    Each filter combination is served by a composite index in firestore.indexes.json.
    """
    from google.cloud.firestore import FieldFilter

    authorize(caller, project.org_id, Action.read)
    documents.read_document(caller.db, project.path, project_not_found())
    collection = paths.tasks(project.org_id, project.project_id)
    found: Any = caller.db.collection(collection)
    if query.status is not None:
        found = found.where(filter=FieldFilter("status", "==", query.status))
    if query.assignee_uid is not None:
        found = found.where(filter=FieldFilter("assigneeUid", "==", query.assignee_uid))
    return documents.list_page(
        found,
        scope=f"{collection}?status={query.status}&assigneeUid={query.assignee_uid}",
        limit=query.limit,
        cursor=query.cursor,
        build=lambda i, d: task_from(project.task(i), d),
    )


@raises(authorize, _check_assignee, documents.update_document)
def update_task(caller: Caller, task: TaskRef, body: TaskUpdate, *, if_match: str | None = None) -> Versioned[Task]:
    """Change the fields sent (member+); `If-Match` makes it conditional on the client's version."""
    authorize(caller, task.org_id, Action.write_task)
    changes = body.changes()
    if "assigneeUid" in changes:
        _check_assignee(caller, task.org_id, body.assignee_uid)
    # updatedBy lets the activity trigger name who made the change.
    changes.update(updatedAt=now(), updatedBy=caller.uid)
    stored, etag = documents.update_document(
        caller.db, task.path, if_match=if_match, not_found=task_not_found(), decide=lambda _current: changes
    )
    return Versioned(task_from(task, stored), etag)


@raises(authorize, documents.delete_document)
def delete_task(caller: Caller, task: TaskRef, *, if_match: str | None = None) -> None:
    """Delete the task document (admin+); its comments go with it through the cascade trigger."""
    authorize(caller, task.org_id, Action.delete_task)

    def audit(deleted: dict[str, Any], batch: WriteBatch) -> None:
        details = {"title": deleted.get("title")}
        audit_by(caller, "task.deleted", task.path, org_id=task.org_id, details=details, writer=batch)

    documents.delete_document(caller.db, task.path, if_match=if_match, not_found=task_not_found(), audit=audit)

"""Tasks of a project: create, read, list (filtered), update, delete. No HTTP here.

Derived fields (`assignee`, `commentCount`, `attachmentCount`) are written by
triggers, never here; deleting a task deletes only its document (a trigger
removes its comments and attachments).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from firebrick.audit import record_audit
from firebrick.clock import now
from firebrick.errors import FailedPrecondition, NotFound, ValidationFailed
from firebrick.ids import new_id
from firebrick.models.common import Page
from firebrick.models.tasks import Task, TaskCreate, TaskStatus, TaskUpdate
from firebrick.policy import Action
from firebrick.services.access import member_path
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
from firebrick.services.projects import project_not_found, project_path

if TYPE_CHECKING:
    from google.cloud.firestore import Client

    from firebrick.auth.principal import Principal


def tasks_path(org_id: str, project_id: str) -> str:
    return f"{project_path(org_id, project_id)}/tasks"


def task_path(org_id: str, project_id: str, task_id: str) -> str:
    return f"{tasks_path(org_id, project_id)}/{task_id}"


def task_not_found() -> NotFound:
    return NotFound("Task not found")


def task_from(org_id: str, project_id: str, task_id: str, data: Mapping[str, Any]) -> Task:
    return Task.model_validate({**data, "id": task_id, "orgId": org_id, "projectId": project_id})


def _check_assignee(db: Client, org_id: str, assignee_uid: str | None) -> None:
    """Tasks may only be assigned to members of their org."""
    if assignee_uid is None:
        return
    if not db.document(member_path(org_id, assignee_uid)).get().exists:
        raise ValidationFailed(
            "The assignee is not a member of this organization",
            errors=[{"loc": ["body", "assigneeUid"], "msg": "not a member of the org", "type": "assignee_not_member"}],
        )


def create_task(
    db: Client,
    principal: Principal,
    org_id: str,
    project_id: str,
    body: TaskCreate,
    *,
    task_id: str | None = None,
) -> Versioned[Task]:
    """Create a task (member+) in an existing, unarchived project."""
    require(db, principal, org_id, Action.write_task)
    project = read_document(db.document(project_path(org_id, project_id)), project_not_found()).to_dict() or {}
    if project.get("archived") is True:
        raise FailedPrecondition("The project is archived; unarchive it to add tasks")
    _check_assignee(db, org_id, body.assignee_uid)
    task_id = task_id or new_id()
    at = now()
    data: dict[str, Any] = {
        **body.model_dump(by_alias=True),
        # Stored for collection-group queries ("my tasks across projects") and rules.
        "orgId": org_id,
        "projectId": project_id,
        "createdAt": at,
        "createdBy": principal.uid,
        "updatedAt": at,
        "updatedBy": principal.uid,
    }
    stored, etag = create_document(db.document(task_path(org_id, project_id, task_id)), data)
    return Versioned(task_from(org_id, project_id, task_id, stored), etag)


def get_task(db: Client, principal: Principal, org_id: str, project_id: str, task_id: str) -> Versioned[Task]:
    require(db, principal, org_id, Action.read)
    snapshot = read_document(db.document(task_path(org_id, project_id, task_id)), task_not_found())
    return Versioned(task_from(org_id, project_id, task_id, snapshot.to_dict() or {}), etag_of(snapshot.update_time))


def list_tasks(
    db: Client,
    principal: Principal,
    org_id: str,
    project_id: str,
    *,
    limit: int,
    cursor: str | None = None,
    status: TaskStatus | None = None,
    assignee_uid: str | None = None,
) -> Page[Task]:
    """A page of the project's tasks, oldest first, optionally filtered by status and assignee.

    Each filter combination is served by a composite index in firestore.indexes.json.
    """
    from google.cloud.firestore import FieldFilter

    require(db, principal, org_id, Action.read)
    read_document(db.document(project_path(org_id, project_id)), project_not_found())
    collection = tasks_path(org_id, project_id)
    query: Any = db.collection(collection)
    if status is not None:
        query = query.where(filter=FieldFilter("status", "==", status))
    if assignee_uid is not None:
        query = query.where(filter=FieldFilter("assigneeUid", "==", assignee_uid))
    scope = f"{collection}?status={status}&assigneeUid={assignee_uid}"
    items, next_cursor = list_page(
        query, scope=scope, limit=limit, cursor=cursor, build=lambda i, d: task_from(org_id, project_id, i, d)
    )
    return Page[Task](items=items, next_cursor=next_cursor)


def update_task(
    db: Client,
    principal: Principal,
    org_id: str,
    project_id: str,
    task_id: str,
    body: TaskUpdate,
    *,
    if_match: str | None = None,
) -> Versioned[Task]:
    """Change the fields sent (member+); `If-Match` makes it conditional on the client's version."""
    require(db, principal, org_id, Action.write_task)
    changes = body.changes()
    if "assigneeUid" in changes:
        _check_assignee(db, org_id, body.assignee_uid)
    # updatedBy lets the activity trigger name who made the change.
    changes.update(updatedAt=now(), updatedBy=principal.uid)
    stored, etag = update_document(
        db,
        db.document(task_path(org_id, project_id, task_id)),
        if_match=if_match,
        not_found=task_not_found(),
        decide=lambda _current: changes,
    )
    return Versioned(task_from(org_id, project_id, task_id, stored), etag)


def delete_task(
    db: Client,
    principal: Principal,
    org_id: str,
    project_id: str,
    task_id: str,
    *,
    if_match: str | None = None,
) -> None:
    """Delete the task document (admin+); its comments go with it through the cascade trigger."""
    require(db, principal, org_id, Action.delete_task)
    path = task_path(org_id, project_id, task_id)
    deleted = delete_document(db, db.document(path), if_match=if_match, not_found=task_not_found())
    record_audit(
        db, "task.deleted", org_id=org_id, actor_uid=principal.uid, target=path, details={"title": deleted.get("title")}
    )

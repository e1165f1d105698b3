"""Tasks of a project: create, read, list (filtered), update, delete. No HTTP here.

Derived fields (`assignee`, `commentCount`, `attachmentCount`) are written by
triggers, never here; deleting a task deletes only its document (a trigger
removes its comments and attachments).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from firebrick import paths
from firebrick.context import Caller
from firebrick.errors import AssigneeNotMember, FailedPrecondition, NotFound, raises
from firebrick.ids import new_id
from firebrick.models.common import Page
from firebrick.models.refs import ProjectRef, TaskRef
from firebrick.models.tasks import Task, TaskCreate, TaskListQuery, TaskUpdate
from firebrick.policy import Action
from firebrick.services import documents
from firebrick.services.access import authorize, read_authorized, spend_write
from firebrick.services.documents import Versioned
from firebrick.services.projects import project_not_found
from firebrick.services.resources import create_resource, delete_audited, resource_reader, update_resource


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


@raises(read_authorized, spend_write, FailedPrecondition, _check_assignee, create_resource)
def create_task(caller: Caller, project: ProjectRef, body: TaskCreate, task_id: str | None = None) -> Versioned[Task]:
    """Create a task (member+) in an existing, unarchived project."""
    _access, project_doc, _ = read_authorized(
        caller, project.org_id, project.path, project_not_found(), Action.write_task
    )
    if project_doc.get("archived") is True:
        raise FailedPrecondition("The project is archived; unarchive it to add tasks")
    _check_assignee(caller, project.org_id, body.assignee_uid)
    ref = project.task(task_id or new_id())
    data: dict[str, Any] = {
        **body.model_dump(by_alias=True),
        # Stored for collection-group queries ("my tasks across projects") and rules.
        "orgId": ref.org_id,
        "projectId": ref.project_id,
        **documents.created_by(caller.uid),
    }
    return create_resource(caller, ref, data, task_from)


#: Read one task (viewer+), with its ETag.
get_task = resource_reader(task_not_found, task_from)


@raises(read_authorized, documents.list_where)
def list_tasks(caller: Caller, project: ProjectRef, query: TaskListQuery) -> Page[Task]:
    """A page of the project's tasks, oldest first, optionally filtered by status and assignee."""
    read_authorized(caller, project.org_id, project.path, project_not_found())
    collection = paths.tasks(project.org_id, project.project_id)
    filters = {"status": query.status, "assigneeUid": query.assignee_uid}
    return documents.list_where(caller.db, collection, query, lambda i, d: task_from(project.task(i), d), filters)


@raises(authorize, _check_assignee, update_resource)
def update_task(caller: Caller, task: TaskRef, body: TaskUpdate, *, if_match: str | None = None) -> Versioned[Task]:
    """Change the fields sent (member+); `If-Match` makes it conditional on the client's version."""
    authorize(caller, task.org_id, Action.write_task)
    changes = body.changes()
    if "assigneeUid" in changes:
        _check_assignee(caller, task.org_id, body.assignee_uid)
    changes.update(documents.changed_by(caller.uid))
    return update_resource(
        caller, task, task_from, if_match=if_match, not_found=task_not_found(), decide=lambda _: changes
    )


@raises(delete_audited)
def delete_task(caller: Caller, task: TaskRef, *, if_match: str | None = None) -> None:
    """Delete the task document (admin+); its comments go with it through the cascade trigger."""
    delete_audited(
        caller, task, Action.delete_task, task_not_found(), if_match=if_match, event="task.deleted", label="title"
    )

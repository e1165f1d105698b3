"""Comments on a task: create, list, read, edit, delete. No HTTP here.

Members comment and edit or delete their own comments; admins and owners
moderate anyone's. The author check runs against the version being written
(conditional write), so it cannot be raced.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from firebrick import paths, policy
from firebrick.clock import now
from firebrick.context import Caller
from firebrick.errors import NotFound, PermissionDenied, raises
from firebrick.ids import new_id
from firebrick.models.comments import Comment, CommentCreate, CommentUpdate
from firebrick.models.common import ListQuery, Page
from firebrick.models.refs import CommentRef, TaskRef
from firebrick.policy import Access, Action
from firebrick.services import documents
from firebrick.services.access import authorize, read_authorized, spend_write
from firebrick.services.documents import Versioned
from firebrick.services.resources import create_resource, resource_reader, update_resource
from firebrick.services.tasks import task_not_found


def comment_not_found() -> NotFound:
    return NotFound("Comment not found")


def comment_from(ref: CommentRef, data: Mapping[str, Any]) -> Comment:
    ids = {"id": ref.comment_id, "orgId": ref.org_id, "projectId": ref.project_id, "taskId": ref.task_id}
    return Comment.model_validate({**data, **ids})


def _own_or_moderate(access: Access, caller: Caller) -> Callable[[Mapping[str, Any]], None]:
    """A check for the version about to be written: authors (still allowed to comment) edit their own,
    moderators (admin+) anyone's."""

    def check(comment: Mapping[str, Any]) -> None:
        if comment.get("authorUid") == caller.uid and policy.allows(access, Action.comment):
            return
        policy.authorize(access, Action.moderate_comment)

    return check


@raises(read_authorized, spend_write, create_resource)
def create_comment(
    caller: Caller, task: TaskRef, body: CommentCreate, comment_id: str | None = None
) -> Versioned[Comment]:
    """Comment on an existing task (member+); the caller is the author."""
    read_authorized(caller, task.org_id, task.path, task_not_found(), Action.comment)
    ref = task.comment(comment_id or new_id())
    data: dict[str, Any] = {
        **body.model_dump(by_alias=True),
        "authorUid": caller.uid,
        "orgId": ref.org_id,
        "projectId": ref.project_id,
        "taskId": ref.task_id,
        "createdAt": now(),
        "editedAt": None,
    }
    return create_resource(caller, ref, data, comment_from)


#: Read one comment (viewer+), with its ETag.
get_comment = resource_reader(comment_not_found, comment_from)


@raises(read_authorized, documents.list_where)
def list_comments(caller: Caller, task: TaskRef, query: ListQuery) -> Page[Comment]:
    """A page of the task's comments, oldest first."""
    read_authorized(caller, task.org_id, task.path, task_not_found())
    collection = paths.comments(task.org_id, task.project_id, task.task_id)
    return documents.list_where(caller.db, collection, query, lambda i, d: comment_from(task.comment(i), d))


@raises(authorize, PermissionDenied, update_resource)
def update_comment(
    caller: Caller, comment: CommentRef, body: CommentUpdate, *, if_match: str | None = None
) -> Versioned[Comment]:
    """Edit a comment: the author (member+) or a moderator (admin+); sets `editedAt`."""
    allowed = _own_or_moderate(authorize(caller, comment.org_id, Action.read, writing=True), caller)

    def decide(current: dict[str, Any]) -> dict[str, Any]:
        allowed(current)
        # editedBy differs from authorUid when a moderator edits.
        return {**body.changes(), "editedAt": now(), "editedBy": caller.uid}

    return update_resource(
        caller, comment, comment_from, if_match=if_match, not_found=comment_not_found(), decide=decide
    )


@raises(authorize, PermissionDenied, documents.delete_document)
def delete_comment(caller: Caller, comment: CommentRef, *, if_match: str | None = None) -> None:
    """Delete a comment: the author (member+) or a moderator (admin+)."""
    allowed = _own_or_moderate(authorize(caller, comment.org_id, Action.read, writing=True), caller)
    documents.delete_document(caller.db, comment.path, if_match=if_match, not_found=comment_not_found(), decide=allowed)

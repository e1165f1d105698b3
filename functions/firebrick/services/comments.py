"""Comments on a task: create, list, edit, delete. No HTTP here.

Members comment and edit or delete their own comments; admins and owners
moderate anyone's. The author check runs against the version being written
(conditional write), so it cannot be raced.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from firebrick.clock import now
from firebrick.errors import NotFound
from firebrick.ids import new_id
from firebrick.models.comments import Comment, CommentCreate, CommentUpdate
from firebrick.models.common import Page
from firebrick.policy import Access, Action, allows, authorize
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
from firebrick.services.tasks import task_not_found, task_path

if TYPE_CHECKING:
    from google.cloud.firestore import Client

    from firebrick.auth.principal import Principal


def comments_path(org_id: str, project_id: str, task_id: str) -> str:
    return f"{task_path(org_id, project_id, task_id)}/comments"


def comment_path(org_id: str, project_id: str, task_id: str, comment_id: str) -> str:
    return f"{comments_path(org_id, project_id, task_id)}/{comment_id}"


def comment_not_found() -> NotFound:
    return NotFound("Comment not found")


def comment_from(org_id: str, project_id: str, task_id: str, comment_id: str, data: Mapping[str, Any]) -> Comment:
    return Comment.model_validate(
        {**data, "id": comment_id, "orgId": org_id, "projectId": project_id, "taskId": task_id}
    )


def _authorize_own_or_moderate(access: Access, principal: Principal, comment: Mapping[str, Any]) -> None:
    """Authors (still allowed to comment) edit their own; moderators edit any."""
    if comment.get("authorUid") == principal.uid and allows(access, Action.comment):
        return
    authorize(access, Action.moderate_comment)


def create_comment(
    db: Client,
    principal: Principal,
    org_id: str,
    project_id: str,
    task_id: str,
    body: CommentCreate,
    *,
    comment_id: str | None = None,
) -> Versioned[Comment]:
    """Comment on an existing task (member+); the caller is the author."""
    require(db, principal, org_id, Action.comment)
    read_document(db.document(task_path(org_id, project_id, task_id)), task_not_found())
    comment_id = comment_id or new_id()
    data: dict[str, Any] = {
        **body.model_dump(by_alias=True),
        "authorUid": principal.uid,
        "orgId": org_id,
        "projectId": project_id,
        "taskId": task_id,
        "createdAt": now(),
        "editedAt": None,
    }
    stored, etag = create_document(db.document(comment_path(org_id, project_id, task_id, comment_id)), data)
    return Versioned(comment_from(org_id, project_id, task_id, comment_id, stored), etag)


def get_comment(
    db: Client, principal: Principal, org_id: str, project_id: str, task_id: str, comment_id: str
) -> Versioned[Comment]:
    require(db, principal, org_id, Action.read)
    snapshot = read_document(db.document(comment_path(org_id, project_id, task_id, comment_id)), comment_not_found())
    comment = comment_from(org_id, project_id, task_id, comment_id, snapshot.to_dict() or {})
    return Versioned(comment, etag_of(snapshot.update_time))


def list_comments(
    db: Client,
    principal: Principal,
    org_id: str,
    project_id: str,
    task_id: str,
    *,
    limit: int,
    cursor: str | None = None,
) -> Page[Comment]:
    """A page of the task's comments, oldest first."""
    require(db, principal, org_id, Action.read)
    read_document(db.document(task_path(org_id, project_id, task_id)), task_not_found())
    collection = comments_path(org_id, project_id, task_id)
    items, next_cursor = list_page(
        db.collection(collection),
        scope=collection,
        limit=limit,
        cursor=cursor,
        build=lambda i, d: comment_from(org_id, project_id, task_id, i, d),
    )
    return Page[Comment](items=items, next_cursor=next_cursor)


def update_comment(
    db: Client,
    principal: Principal,
    org_id: str,
    project_id: str,
    task_id: str,
    comment_id: str,
    body: CommentUpdate,
    *,
    if_match: str | None = None,
) -> Versioned[Comment]:
    """Edit a comment: the author (member+) or a moderator (admin+); sets `editedAt`."""
    access = require(db, principal, org_id, Action.read)

    def decide(current: dict[str, Any]) -> dict[str, Any]:
        _authorize_own_or_moderate(access, principal, current)
        # editedBy differs from authorUid when a moderator edits.
        return {**body.changes(), "editedAt": now(), "editedBy": principal.uid}

    stored, etag = update_document(
        db,
        db.document(comment_path(org_id, project_id, task_id, comment_id)),
        if_match=if_match,
        not_found=comment_not_found(),
        decide=decide,
    )
    return Versioned(comment_from(org_id, project_id, task_id, comment_id, stored), etag)


def delete_comment(
    db: Client,
    principal: Principal,
    org_id: str,
    project_id: str,
    task_id: str,
    comment_id: str,
    *,
    if_match: str | None = None,
) -> None:
    """Delete a comment: the author (member+) or a moderator (admin+)."""
    access = require(db, principal, org_id, Action.read)
    delete_document(
        db,
        db.document(comment_path(org_id, project_id, task_id, comment_id)),
        if_match=if_match,
        not_found=comment_not_found(),
        decide=lambda current: _authorize_own_or_moderate(access, principal, current),
    )

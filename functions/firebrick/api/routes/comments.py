"""`/v1/orgs/{orgId}/projects/{projectId}/tasks/{taskId}/comments` (comment: member+; moderate: admin+)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from firebrick.api.deps import CurrentPrincipal
from firebrick.api.idempotent import IdempotencyKey, create_response
from firebrick.api.params import (
    ETAG_HEADER,
    NOT_MODIFIED,
    CommentId,
    Db,
    IfMatch,
    IfNoneMatch,
    ListQuery,
    OrgId,
    ProjectId,
    TaskId,
    problems,
    read_response,
    with_etag,
)
from firebrick.models.comments import Comment, CommentCreate, CommentUpdate
from firebrick.models.common import Page
from firebrick.services import comments

router = APIRouter(prefix="/orgs/{orgId}/projects/{projectId}/tasks/{taskId}/comments", tags=["comments"])


@router.get("", summary="List a task's comments, oldest first", responses=problems(400, 404, 422))
def list_comments(
    db: Db,
    principal: CurrentPrincipal,
    org_id: OrgId,
    project_id: ProjectId,
    task_id: TaskId,
    query: Annotated[ListQuery, Query()],
) -> Page[Comment]:
    return comments.list_comments(db, principal, org_id, project_id, task_id, limit=query.limit, cursor=query.cursor)


@router.post(
    "",
    status_code=201,
    summary="Comment on a task (member+)",
    response_model=Comment,
    responses={201: {"headers": ETAG_HEADER}, **problems(403, 404, 409, 422)},
)
def create_comment(
    request: Request,
    db: Db,
    principal: CurrentPrincipal,
    org_id: OrgId,
    project_id: ProjectId,
    task_id: TaskId,
    body: CommentCreate,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return create_response(
        request,
        db,
        principal,
        idempotency_key,
        body,
        lambda resource_id: comments.create_comment(
            db, principal, org_id, project_id, task_id, body, comment_id=resource_id
        ),
        org_id=org_id,
    )


@router.get(
    "/{commentId}",
    summary="Get a comment",
    response_model=Comment,
    responses={200: {"headers": ETAG_HEADER}, **NOT_MODIFIED, **problems(404, 422)},
)
def get_comment(
    response: Response,
    db: Db,
    principal: CurrentPrincipal,
    org_id: OrgId,
    project_id: ProjectId,
    task_id: TaskId,
    comment_id: CommentId,
    if_none_match: IfNoneMatch = None,
) -> Comment | Response:
    comment = comments.get_comment(db, principal, org_id, project_id, task_id, comment_id)
    return read_response(response, comment, if_none_match)


@router.patch(
    "/{commentId}",
    summary="Edit a comment (its author, or admin+)",
    responses={200: {"headers": ETAG_HEADER}, **problems(403, 404, 412, 422)},
)
def update_comment(
    response: Response,
    db: Db,
    principal: CurrentPrincipal,
    org_id: OrgId,
    project_id: ProjectId,
    task_id: TaskId,
    comment_id: CommentId,
    body: CommentUpdate,
    if_match: IfMatch = None,
) -> Comment:
    updated = comments.update_comment(db, principal, org_id, project_id, task_id, comment_id, body, if_match=if_match)
    return with_etag(response, updated)


@router.delete(
    "/{commentId}",
    status_code=204,
    summary="Delete a comment (its author, or admin+)",
    responses=problems(403, 404, 412, 422),
)
def delete_comment(
    db: Db,
    principal: CurrentPrincipal,
    org_id: OrgId,
    project_id: ProjectId,
    task_id: TaskId,
    comment_id: CommentId,
    if_match: IfMatch = None,
) -> Response:
    comments.delete_comment(db, principal, org_id, project_id, task_id, comment_id, if_match=if_match)
    return Response(status_code=204)

"""`/v1/orgs/{orgId}/projects/{projectId}/tasks`: tasks (read: viewer+; write: member+; delete: admin+)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import Field

from firebrick.api.deps import CurrentPrincipal
from firebrick.api.idempotent import IdempotencyKey, create_response
from firebrick.api.params import (
    ETAG_HEADER,
    NOT_MODIFIED,
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
from firebrick.models.common import ID_PATTERN, Page
from firebrick.models.tasks import Task, TaskCreate, TaskStatus, TaskUpdate
from firebrick.services import tasks

router = APIRouter(prefix="/orgs/{orgId}/projects/{projectId}/tasks", tags=["tasks"])


class TaskListQuery(ListQuery):
    status: TaskStatus | None = None
    assignee_uid: str | None = Field(None, pattern=ID_PATTERN)


@router.get("", summary="List tasks, filtered by status and/or assignee", responses=problems(400, 404, 422))
def list_tasks(
    db: Db,
    principal: CurrentPrincipal,
    org_id: OrgId,
    project_id: ProjectId,
    query: Annotated[TaskListQuery, Query()],
) -> Page[Task]:
    return tasks.list_tasks(
        db,
        principal,
        org_id,
        project_id,
        limit=query.limit,
        cursor=query.cursor,
        status=query.status,
        assignee_uid=query.assignee_uid,
    )


@router.post(
    "",
    status_code=201,
    summary="Create a task (member+)",
    response_model=Task,
    responses={201: {"headers": ETAG_HEADER}, **problems(403, 404, 409, 422)},
)
def create_task(
    request: Request,
    db: Db,
    principal: CurrentPrincipal,
    org_id: OrgId,
    project_id: ProjectId,
    body: TaskCreate,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return create_response(
        request,
        db,
        principal,
        idempotency_key,
        body,
        lambda resource_id: tasks.create_task(db, principal, org_id, project_id, body, task_id=resource_id),
        org_id=org_id,
    )


@router.get(
    "/{taskId}",
    summary="Get a task",
    response_model=Task,
    responses={200: {"headers": ETAG_HEADER}, **NOT_MODIFIED, **problems(404, 422)},
)
def get_task(
    response: Response,
    db: Db,
    principal: CurrentPrincipal,
    org_id: OrgId,
    project_id: ProjectId,
    task_id: TaskId,
    if_none_match: IfNoneMatch = None,
) -> Task | Response:
    return read_response(response, tasks.get_task(db, principal, org_id, project_id, task_id), if_none_match)


@router.patch(
    "/{taskId}",
    summary="Update a task (member+)",
    responses={200: {"headers": ETAG_HEADER}, **problems(403, 404, 409, 412, 422)},
)
def update_task(
    response: Response,
    db: Db,
    principal: CurrentPrincipal,
    org_id: OrgId,
    project_id: ProjectId,
    task_id: TaskId,
    body: TaskUpdate,
    if_match: IfMatch = None,
) -> Task:
    updated = tasks.update_task(db, principal, org_id, project_id, task_id, body, if_match=if_match)
    return with_etag(response, updated)


@router.delete(
    "/{taskId}",
    status_code=204,
    summary="Delete a task and, asynchronously, its comments (admin+)",
    responses=problems(403, 404, 412, 422),
)
def delete_task(
    db: Db,
    principal: CurrentPrincipal,
    org_id: OrgId,
    project_id: ProjectId,
    task_id: TaskId,
    if_match: IfMatch = None,
) -> Response:
    tasks.delete_task(db, principal, org_id, project_id, task_id, if_match=if_match)
    return Response(status_code=204)

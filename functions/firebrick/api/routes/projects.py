"""`/v1/orgs/{orgId}/projects/...`: a project, its tasks and their comments, one router each.

Roles: projects are read by viewer+ and written by admin+; tasks are written by
member+ and deleted by admin+; comments are written by member+, edited or deleted
by their author or admin+. The three share one shape: list, create (201 +
`Idempotency-Key`), read (`ETag`, 304), update (`If-Match`), delete.
"""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from firebrick.api.deps import (
    CommentPath,
    CurrentCaller,
    IfMatch,
    IfNoneMatch,
    ListParams,
    OrgPath,
    ProjectListParams,
    ProjectPath,
    TaskListParams,
    TaskPath,
)
from firebrick.api.responses import IdempotencyKey, create_response, read_response, with_etag
from firebrick.models.comments import Comment, CommentCreate, CommentUpdate
from firebrick.models.common import Page
from firebrick.models.projects import Project, ProjectCreate, ProjectUpdate
from firebrick.models.tasks import Task, TaskCreate, TaskUpdate
from firebrick.services import comments, projects, tasks

router = APIRouter(prefix="/orgs/{orgId}/projects", tags=["projects"])


@router.get("", summary="List projects, oldest first")
def list_projects(caller: CurrentCaller, org: OrgPath, query: ProjectListParams) -> Page[Project]:
    return projects.list_projects(caller, org, query)


@router.post("", status_code=201, summary="Create a project (admin+)", response_model=Project)
def create_project(
    request: Request, caller: CurrentCaller, org: OrgPath, body: ProjectCreate, key: IdempotencyKey = None
) -> JSONResponse:
    create = partial(projects.create_project, caller, org, body)
    return create_response(request, caller, key, body, create, org_id=org.org_id)


@router.get("/{projectId}", summary="Get a project", response_model=Project)
def get_project(
    response: Response, caller: CurrentCaller, project: ProjectPath, if_none_match: IfNoneMatch = None
) -> Project | Response:
    return read_response(response, projects.get_project(caller, project), if_none_match)


@router.patch("/{projectId}", summary="Update a project (admin+)")
def update_project(
    response: Response, caller: CurrentCaller, project: ProjectPath, body: ProjectUpdate, if_match: IfMatch = None
) -> Project:
    return with_etag(response, projects.update_project(caller, project, body, if_match=if_match))


@router.delete("/{projectId}", status_code=204, summary="Delete a project and all it holds (admin+)")
def delete_project(caller: CurrentCaller, project: ProjectPath, if_match: IfMatch = None) -> Response:
    projects.delete_project(caller, project, if_match=if_match)
    return Response(status_code=204)


# --- Tasks of a project ---------------------------------------------------------------

tasks_router = APIRouter(prefix="/orgs/{orgId}/projects/{projectId}/tasks", tags=["tasks"])


@tasks_router.get("", summary="List tasks, oldest first, filtered by status and/or assignee")
def list_tasks(caller: CurrentCaller, project: ProjectPath, query: TaskListParams) -> Page[Task]:
    return tasks.list_tasks(caller, project, query)


@tasks_router.post("", status_code=201, summary="Create a task (member+)", response_model=Task)
def create_task(
    request: Request, caller: CurrentCaller, project: ProjectPath, body: TaskCreate, key: IdempotencyKey = None
) -> JSONResponse:
    create = partial(tasks.create_task, caller, project, body)
    return create_response(request, caller, key, body, create, org_id=project.org_id)


@tasks_router.get("/{taskId}", summary="Get a task", response_model=Task)
def get_task(
    response: Response, caller: CurrentCaller, task: TaskPath, if_none_match: IfNoneMatch = None
) -> Task | Response:
    return read_response(response, tasks.get_task(caller, task), if_none_match)


@tasks_router.patch("/{taskId}", summary="Update a task (member+)")
def update_task(
    response: Response, caller: CurrentCaller, task: TaskPath, body: TaskUpdate, if_match: IfMatch = None
) -> Task:
    return with_etag(response, tasks.update_task(caller, task, body, if_match=if_match))


@tasks_router.delete("/{taskId}", status_code=204, summary="Delete a task and its comments (admin+)")
def delete_task(caller: CurrentCaller, task: TaskPath, if_match: IfMatch = None) -> Response:
    tasks.delete_task(caller, task, if_match=if_match)
    return Response(status_code=204)


# --- Comments on a task ----------------------------------------------------------------

comments_router = APIRouter(prefix="/orgs/{orgId}/projects/{projectId}/tasks/{taskId}/comments", tags=["comments"])


@comments_router.get("", summary="List a task's comments, oldest first")
def list_comments(caller: CurrentCaller, task: TaskPath, query: ListParams) -> Page[Comment]:
    return comments.list_comments(caller, task, query)


@comments_router.post("", status_code=201, summary="Comment on a task (member+)", response_model=Comment)
def create_comment(
    request: Request, caller: CurrentCaller, task: TaskPath, body: CommentCreate, key: IdempotencyKey = None
) -> JSONResponse:
    create = partial(comments.create_comment, caller, task, body)
    return create_response(request, caller, key, body, create, org_id=task.org_id)


@comments_router.get("/{commentId}", summary="Get a comment", response_model=Comment)
def get_comment(
    response: Response, caller: CurrentCaller, comment: CommentPath, if_none_match: IfNoneMatch = None
) -> Comment | Response:
    return read_response(response, comments.get_comment(caller, comment), if_none_match)


@comments_router.patch("/{commentId}", summary="Edit a comment (its author, or admin+)")
def update_comment(
    response: Response, caller: CurrentCaller, comment: CommentPath, body: CommentUpdate, if_match: IfMatch = None
) -> Comment:
    return with_etag(response, comments.update_comment(caller, comment, body, if_match=if_match))


@comments_router.delete("/{commentId}", status_code=204, summary="Delete a comment (its author, or admin+)")
def delete_comment(caller: CurrentCaller, comment: CommentPath, if_match: IfMatch = None) -> Response:
    comments.delete_comment(caller, comment, if_match=if_match)
    return Response(status_code=204)

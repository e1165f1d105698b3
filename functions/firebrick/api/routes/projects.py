"""`/v1/orgs/{orgId}/projects`: projects of an org (read: viewer+; write: admin+)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

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
    problems,
    read_response,
    with_etag,
)
from firebrick.models.common import Page
from firebrick.models.projects import Project, ProjectCreate, ProjectUpdate
from firebrick.services import projects

router = APIRouter(prefix="/orgs/{orgId}/projects", tags=["projects"])


class ProjectListQuery(ListQuery):
    archived: bool | None = None


@router.get("", summary="List projects", responses=problems(400, 404, 422))
def list_projects(
    db: Db, principal: CurrentPrincipal, org_id: OrgId, query: Annotated[ProjectListQuery, Query()]
) -> Page[Project]:
    return projects.list_projects(
        db, principal, org_id, limit=query.limit, cursor=query.cursor, archived=query.archived
    )


@router.post(
    "",
    status_code=201,
    summary="Create a project (admin+)",
    response_model=Project,
    responses={201: {"headers": ETAG_HEADER}, **problems(403, 404, 409, 422)},
)
def create_project(
    request: Request,
    db: Db,
    principal: CurrentPrincipal,
    org_id: OrgId,
    body: ProjectCreate,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return create_response(
        request,
        db,
        principal,
        idempotency_key,
        body,
        lambda resource_id: projects.create_project(db, principal, org_id, body, project_id=resource_id),
        org_id=org_id,
    )


@router.get(
    "/{projectId}",
    summary="Get a project",
    response_model=Project,
    responses={200: {"headers": ETAG_HEADER}, **NOT_MODIFIED, **problems(404, 422)},
)
def get_project(
    response: Response,
    db: Db,
    principal: CurrentPrincipal,
    org_id: OrgId,
    project_id: ProjectId,
    if_none_match: IfNoneMatch = None,
) -> Project | Response:
    return read_response(response, projects.get_project(db, principal, org_id, project_id), if_none_match)


@router.patch(
    "/{projectId}",
    summary="Update a project (admin+)",
    responses={200: {"headers": ETAG_HEADER}, **problems(403, 404, 412, 422)},
)
def update_project(
    response: Response,
    db: Db,
    principal: CurrentPrincipal,
    org_id: OrgId,
    project_id: ProjectId,
    body: ProjectUpdate,
    if_match: IfMatch = None,
) -> Project:
    return with_etag(response, projects.update_project(db, principal, org_id, project_id, body, if_match=if_match))


@router.delete(
    "/{projectId}",
    status_code=204,
    summary="Delete a project and, asynchronously, everything under it (admin+)",
    responses=problems(403, 404, 412, 422),
)
def delete_project(
    db: Db, principal: CurrentPrincipal, org_id: OrgId, project_id: ProjectId, if_match: IfMatch = None
) -> Response:
    projects.delete_project(db, principal, org_id, project_id, if_match=if_match)
    return Response(status_code=204)

"""`/orgs`: create, list, read, rename, delete organizations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from firebrick.api.deps import CurrentPrincipal, Db, Meta, OrgAccess
from firebrick.api.idempotent import IdempotencyKey, create_response
from firebrick.auth.step_up import STEP_UP_HEADER
from firebrick.models.orgs import Org, OrgCreate, OrgList, OrgUpdate
from firebrick.services import orgs as service
from firebrick.services.documents import Versioned

router = APIRouter(prefix="/orgs", tags=["orgs"])


def _org(response: Response, view: dict[str, object]) -> Org:
    response.headers["ETag"] = str(view.pop("etag"))
    return Org.model_validate(view)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create an org; the caller becomes its owner; honours Idempotency-Key",
    response_model=Org,
)
async def create_org(
    body: OrgCreate,
    principal: CurrentPrincipal,
    db: Db,
    meta: Meta,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    def create(org_id: str | None) -> Versioned[Org]:
        view = service.create_org(db, principal, body.name, meta, org_id=org_id)
        etag = str(view.pop("etag"))
        return Versioned(Org.model_validate(view), etag)

    return await run_in_threadpool(create_response, request, db, principal, idempotency_key, body, create)


@router.get("", summary="The caller's orgs")
async def list_orgs(principal: CurrentPrincipal, db: Db) -> OrgList:
    items = await run_in_threadpool(service.list_orgs, db, principal)
    return OrgList(items=[Org.model_validate(item) for item in items])


@router.get("/{orgId}", summary="Read an org (members; platform admins for support)")
async def get_org(ctx: OrgAccess, db: Db, response: Response) -> Org:
    view = await run_in_threadpool(service.get_org, db, ctx.access, ctx.org_id)
    return _org(response, view)


@router.patch("/{orgId}", summary="Rename an org (owner); honours If-Match")
async def rename_org(
    ctx: OrgAccess,
    body: OrgUpdate,
    db: Db,
    meta: Meta,
    response: Response,
    if_match: Annotated[str | None, Header(max_length=512)] = None,
) -> Org:
    view = await run_in_threadpool(
        lambda: service.rename_org(db, ctx.principal, ctx.org_id, body.name, if_match=if_match, meta=meta)
    )
    return _org(response, view)


@router.delete(
    "/{orgId}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete an org (owner; step-up once MFA is on)"
)
async def delete_org(ctx: OrgAccess, db: Db, meta: Meta, request: Request) -> Response:
    step_up_token = request.headers.get(STEP_UP_HEADER)
    await run_in_threadpool(
        lambda: service.delete_org(db, ctx.principal, ctx.org_id, meta, step_up_token=step_up_token)
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)

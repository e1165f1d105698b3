"""`/orgs/{orgId}/members`: list, change roles, remove or leave."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response, status
from fastapi.concurrency import run_in_threadpool

from firebrick.api.deps import ORG_ID_PATTERN, Db, Meta, OrgAccess
from firebrick.auth.step_up import STEP_UP_HEADER
from firebrick.models.members import Member, MemberList, MemberUpdate
from firebrick.policy import Role
from firebrick.services import members as service

router = APIRouter(prefix="/orgs/{orgId}/members", tags=["members"])

Uid = Annotated[str, Path(pattern=ORG_ID_PATTERN, description="The member's uid")]


@router.get("", summary="Members of the org (viewer+)")
async def list_members(ctx: OrgAccess, db: Db) -> MemberList:
    items = await run_in_threadpool(service.list_members, db, ctx.access, ctx.org_id)
    return MemberList(items=[Member.model_validate(item) for item in items])


@router.patch("/{uid}", summary="Change a member's role (admin+, below own; owner for owners)")
async def change_role(ctx: OrgAccess, uid: Uid, body: MemberUpdate, db: Db, meta: Meta, request: Request) -> Member:
    step_up_token = request.headers.get(STEP_UP_HEADER)
    view = await run_in_threadpool(
        lambda: service.change_role(
            db, ctx.principal, ctx.org_id, uid, Role.parse(body.role), meta, step_up_token=step_up_token
        )
    )
    return Member.model_validate(view)


@router.delete("/{uid}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a member (admin+) or leave (self)")
async def remove_member(ctx: OrgAccess, uid: Uid, db: Db, meta: Meta) -> Response:
    await run_in_threadpool(service.remove_member, db, ctx.principal, ctx.org_id, uid, meta)
    return Response(status_code=status.HTTP_204_NO_CONTENT)

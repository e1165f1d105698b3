"""Invitations: `POST /orgs/{orgId}/invites` (admin+) and `POST /invites/accept`."""

from __future__ import annotations

from fastapi import APIRouter, status
from fastapi.concurrency import run_in_threadpool

from firebrick.api.deps import CurrentPrincipal, Db, Meta, OrgAccess
from firebrick.models.invites import InviteAccept, InviteAccepted, InviteCreate, InviteCreated
from firebrick.policy import Role
from firebrick.services import invites as service

router = APIRouter(tags=["invites"])


@router.post(
    "/orgs/{orgId}/invites",
    status_code=status.HTTP_201_CREATED,
    summary="Invite an email address; the token is returned once",
)
async def create_invite(ctx: OrgAccess, body: InviteCreate, db: Db, meta: Meta) -> InviteCreated:
    view = await run_in_threadpool(
        lambda: service.create_invite(
            db, ctx.principal, ctx.access, ctx.org_id, body.email, Role.parse(body.role), meta=meta
        )
    )
    return InviteCreated.model_validate(view)


@router.post("/invites/accept", summary="Accept an invitation as the invited, verified email's user")
async def accept_invite(body: InviteAccept, principal: CurrentPrincipal, db: Db, meta: Meta) -> InviteAccepted:
    view = await run_in_threadpool(service.accept_invite, db, principal, body.token, meta)
    return InviteAccepted.model_validate(view)

"""Invitations: `POST /orgs/{orgId}/invites` (admin+) and `POST /invites/accept`."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from firebrick.api.deps import CurrentPrincipal, Db, Meta, OrgAccess
from firebrick.api.idempotent import IdempotencyKey, Secret, create_response
from firebrick.auth.step_up import STEP_UP_HEADER
from firebrick.models.invites import InviteAccept, InviteAccepted, InviteCreate, InviteCreated
from firebrick.policy import Role
from firebrick.services import invites as service
from firebrick.services.documents import Versioned

router = APIRouter(tags=["invites"])


@router.post(
    "/orgs/{orgId}/invites",
    status_code=status.HTTP_201_CREATED,
    response_model=InviteCreated,
    summary="Invite an email address; the token is returned once",
)
async def create_invite(
    ctx: OrgAccess,
    body: InviteCreate,
    db: Db,
    meta: Meta,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    step_up_token = request.headers.get(STEP_UP_HEADER)

    def create(invite_id: str | None) -> Versioned[InviteCreated]:
        view = service.create_invite(
            db,
            ctx.principal,
            ctx.access,
            ctx.org_id,
            body.email,
            Role.parse(body.role),
            meta=meta,
            step_up_token=step_up_token,
            invite_id=invite_id,
        )
        return Versioned(InviteCreated.model_validate(view), "")

    # The token is never stored, not even in the idempotency ledger: a replay re-signs it.
    reissue = Secret(
        "token",
        lambda invite_id: service.reissue_invite_token(
            db, ctx.principal, ctx.access, ctx.org_id, invite_id, step_up_token=step_up_token
        ),
    )
    return await run_in_threadpool(
        create_response,
        request,
        db,
        ctx.principal,
        idempotency_key,
        body,
        create,
        org_id=ctx.org_id,
        location=False,
        secret=reissue,
    )


@router.post("/invites/accept", summary="Accept an invitation as the invited, verified email's user")
async def accept_invite(body: InviteAccept, principal: CurrentPrincipal, db: Db, meta: Meta) -> InviteAccepted:
    view = await run_in_threadpool(service.accept_invite, db, principal, body.token, meta)
    return InviteAccepted.model_validate(view)

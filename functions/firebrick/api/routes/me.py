"""`/v1/me`: the caller's profile, roles and MFA status; account deletion."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from firebrick.api.deps import CurrentPrincipal
from firebrick.api.request_meta import StepUpHeader, request_meta
from firebrick.clients import firestore_client
from firebrick.services import identity

router = APIRouter(tags=["me"])


class Mfa(BaseModel):
    totp: bool


class MeResponse(BaseModel):
    uid: str
    email: str | None
    displayName: str | None  # noqa: N815
    photoURL: str | None  # noqa: N815
    orgs: dict[str, str]
    platformRole: str | None  # noqa: N815
    mfa: Mfa
    claimsOverflow: bool  # noqa: N815


@router.get("/me", summary="The caller's profile, org roles, platform role and MFA status")
def get_me(principal: CurrentPrincipal) -> MeResponse:
    me = identity.get_me(firestore_client(), principal)
    return MeResponse(
        uid=me.uid,
        email=me.email,
        displayName=me.display_name,
        photoURL=me.photo_url,
        orgs=me.orgs,
        platformRole="admin" if me.platform_admin else None,
        mfa=Mfa(totp=me.totp_enabled),
        claimsOverflow=me.claims_overflow,
    )


@router.delete("/me", status_code=204, summary="Delete the account (step-up once MFA is on; 409 if last owner)")
def delete_me(principal: CurrentPrincipal, request: Request, step_up: StepUpHeader = None) -> Response:
    identity.delete_me(firestore_client(), principal, step_up, request_meta(request))
    return Response(status_code=204)

"""`/v1/orgs/{orgId}/tokens`: service tokens for machine clients (admin+)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from firebrick.api.deps import CurrentPrincipal
from firebrick.api.idempotent import IdempotencyKey, Secret, create_response
from firebrick.api.request_meta import request_meta
from firebrick.auth.step_up import STEP_UP_HEADER
from firebrick.clients import firestore_client
from firebrick.policy import Role
from firebrick.services import service_tokens
from firebrick.services.documents import Versioned
from firebrick.services.service_tokens import TokenRecord

router = APIRouter(prefix="/orgs/{orgId}/tokens", tags=["service tokens"])

OrgId = Annotated[str, Path(alias="orgId", min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")]
TokenId = Annotated[str, Path(alias="tokenId", min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")]


class CreateTokenBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    role: Literal["viewer", "member"]
    expiresInDays: int = Field(ge=1, le=365)  # noqa: N815


class TokenInfo(BaseModel):
    id: str
    name: str
    role: str
    createdBy: str | None  # noqa: N815
    createdAt: datetime | None  # noqa: N815
    expiresAt: datetime | None  # noqa: N815
    revoked: bool


class CreatedToken(TokenInfo):
    token: str = Field(description="Shown once; store it now")


class TokenList(BaseModel):
    items: list[TokenInfo]


def _info(record: TokenRecord) -> dict[str, object]:
    return {
        "id": record.id,
        "name": record.name,
        "role": record.role,
        "createdBy": record.created_by,
        "createdAt": record.created_at,
        "expiresAt": record.expires_at,
        "revoked": record.revoked_at is not None,
    }


@router.post(
    "",
    status_code=201,
    summary="Create a service token (shown once); admin+, step-up once MFA",
    response_model=CreatedToken,
)
def create_token(
    org_id: OrgId,
    body: CreateTokenBody,
    principal: CurrentPrincipal,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    db = firestore_client()
    step_up_token = request.headers.get(STEP_UP_HEADER)

    def create(token_id: str | None) -> Versioned[CreatedToken]:
        record, token = service_tokens.create_service_token(
            db,
            principal,
            org_id,
            name=body.name,
            role=Role[body.role],
            expires_in_days=body.expiresInDays,
            step_up_token=step_up_token,
            meta=request_meta(request),
            token_id=token_id,
        )
        return Versioned(CreatedToken(token=token, **_info(record)), "")

    # The token is never stored, not even in the idempotency ledger: a replay re-signs it.
    reissue = Secret(
        "token",
        lambda token_id: service_tokens.reissue_service_token(
            db, principal, org_id, token_id, step_up_token=step_up_token
        ),
    )
    return create_response(
        request, db, principal, idempotency_key, body, create, org_id=org_id, location=False, secret=reissue
    )


@router.get("", summary="List the org's service tokens (never the tokens themselves)")
def list_tokens(org_id: OrgId, principal: CurrentPrincipal) -> TokenList:
    records = service_tokens.list_service_tokens(firestore_client(), principal, org_id)
    return TokenList(items=[TokenInfo(**_info(r)) for r in records])


@router.delete("/{tokenId}", status_code=204, summary="Revoke a service token at once")
def revoke_token(org_id: OrgId, token_id: TokenId, principal: CurrentPrincipal, request: Request) -> Response:
    service_tokens.revoke_service_token(firestore_client(), principal, org_id, token_id, request_meta(request))
    return Response(status_code=204)

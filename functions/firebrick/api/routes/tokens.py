"""Service tokens for machine clients (admin+), the keys that verify them, and the org's audit log (admin+)."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from firebrick.api.deps import CurrentCaller, ListParams, OrgPath, StepUpHeader, TokenPath
from firebrick.api.responses import IdempotencyKey, Secret, create_response
from firebrick.auth.keys import configured_keyset
from firebrick.models.audit import AuditEntry
from firebrick.models.common import Items, Page
from firebrick.models.tokens import ServiceToken, ServiceTokenCreate, ServiceTokenCreated
from firebrick.services import audit_log, service_tokens

router = APIRouter(prefix="/orgs/{orgId}/tokens", tags=["service tokens"])


@router.post(
    "",
    status_code=201,
    summary="Create a service token (shown once); admin+, step-up once MFA is on",
    response_model=ServiceTokenCreated,
)
def create_token(
    request: Request,
    caller: CurrentCaller,
    org: OrgPath,
    body: ServiceTokenCreate,
    key: IdempotencyKey = None,
    step_up_token: StepUpHeader = None,
) -> JSONResponse:
    create = partial(service_tokens.create_service_token, caller, org, body, step_up_token=step_up_token)

    # The token is never stored, not even with the idempotency key: a replay re-signs it.
    def reissue(token_id: str) -> str:
        return service_tokens.reissue_service_token(caller, org.token(token_id), step_up_token=step_up_token)

    secret = Secret("token", reissue)
    return create_response(request, caller, key, body, create, org_id=org.org_id, location=False, secret=secret)


@router.get("", summary="List the org's service tokens (never the tokens themselves)")
def list_tokens(caller: CurrentCaller, org: OrgPath) -> Items[ServiceToken]:
    return service_tokens.list_service_tokens(caller, org)


@router.delete("/{tokenId}", status_code=204, summary="Revoke a service token at once")
def revoke_token(caller: CurrentCaller, token: TokenPath) -> Response:
    service_tokens.revoke_service_token(caller, token)
    return Response(status_code=204)


# --- Verification keys of service tokens -------------------------------------------------

jwks_router = APIRouter(tags=["service tokens"])


@jwks_router.get("/.well-known/jwks.json", summary="Service-token verification keys (JWKS)")
def jwks() -> JSONResponse:
    return JSONResponse({"keys": configured_keyset().published()}, headers={"Cache-Control": "public, max-age=300"})


# --- The org's audit log ---------------------------------------------------------------

audit_router = APIRouter(prefix="/orgs/{orgId}/audit", tags=["audit"])


@audit_router.get("", summary="The org's audit log, newest first (admin+)")
def list_audit(caller: CurrentCaller, org: OrgPath, query: ListParams) -> Page[AuditEntry]:
    return audit_log.list_audit(caller, org, query)

"""FastAPI dependencies: the adapter's way to ask "who is calling" and "what may they do".

Routers declare what they need with the `Annotated` aliases below and never
touch tokens or Firestore themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from firebrick.audit import RequestMeta
from firebrick.auth.principal import Principal
from firebrick.errors import Unauthenticated
from firebrick.policy import Access

if TYPE_CHECKING:
    from google.cloud.firestore import Client

bearer_scheme = HTTPBearer(auto_error=False, description="Firebase ID token or service token")


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    """The verified caller (Bearer token, else `__session` cookie + CSRF); 401 problem+json otherwise."""
    from firebrick.auth.credentials import Presented, authenticate
    from firebrick.auth.sessions import CSRF_HEADER, SESSION_COOKIE

    bearer = None
    if credentials is not None and credentials.scheme.lower() == "bearer" and credentials.credentials:
        bearer = credentials.credentials
    elif request.headers.get("authorization"):
        raise Unauthenticated("A bearer token is required")
    presented = Presented(
        bearer=bearer,
        session_cookie=request.cookies.get(SESSION_COOKIE),
        method=request.method,
        csrf_token=request.headers.get(CSRF_HEADER),
        origin=request.headers.get("origin"),
    )
    # Verification is blocking (key fetch, revocation lookup).
    return await run_in_threadpool(authenticate, presented)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


# --- Org-scoped routes -------------------------------------------------------------

#: Path segment ids: Firestore-safe, bounded (a bad id is a 422, never a query).
ORG_ID_PATTERN = r"^[A-Za-z0-9_-]{1,128}$"


def firestore_db() -> Any:
    """The Firestore client; a dependency so routers hand it to services untouched."""
    from firebrick.clients import firestore_client

    return firestore_client()


if TYPE_CHECKING:
    Db = Annotated[Client, Depends(firestore_db)]
else:  # FastAPI evaluates this at import: keep google.cloud.firestore out of the app's cold start
    Db = Annotated[object, Depends(firestore_db)]


def request_meta(request: Request) -> RequestMeta:
    """Where the request came from, for audit entries."""
    return RequestMeta(
        ip=request.client.host if request.client else None, user_agent=request.headers.get("user-agent")
    )


Meta = Annotated[RequestMeta, Depends(request_meta)]


@dataclass(frozen=True, slots=True)
class OrgContext:
    """An org-scoped request: who is calling, which org, and what they hold there."""

    org_id: str
    principal: Principal
    access: Access


async def org_context(
    orgId: Annotated[str, Path(pattern=ORG_ID_PATTERN, description="Organization id")],  # noqa: N803
    principal: CurrentPrincipal,
    db: Db,
) -> OrgContext:
    """Resolve the caller's access to the path's org (one membership read).

    It does not decide anything: routes/services pass `ctx.access` to
    `policy.authorize(...)`, which answers 404 to outsiders and 403 to members
    whose role is too low.
    """
    from firebrick.services.access import org_access

    access = await run_in_threadpool(org_access, db, principal, orgId)
    return OrgContext(org_id=orgId, principal=principal, access=access)


#: Use in any route under `/orgs/{orgId}`: `ctx: OrgAccess`.
OrgAccess = Annotated[OrgContext, Depends(org_context)]

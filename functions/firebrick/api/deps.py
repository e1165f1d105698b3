"""FastAPI dependencies: the adapter's way to ask "who is calling" and "what may they do".

Routers declare what they need with the `Annotated` aliases below and never
touch tokens or Firestore themselves.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from firebrick.auth.principal import Principal
from firebrick.errors import Unauthenticated

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

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
    """The verified caller; 401 problem+json when there is no valid credential."""
    from firebrick.auth.tokens import verify_firebase_id_token

    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthenticated("A bearer token is required")
    # firebase_admin verification is blocking (key fetch, revocation lookup).
    return await run_in_threadpool(verify_firebase_id_token, credentials.credentials)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]

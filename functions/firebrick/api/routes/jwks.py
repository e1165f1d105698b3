"""`/v1/.well-known/jwks.json`: public keys that verify our service tokens (current + overlap)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from firebrick.auth.signing_keys import configured_keyset

router = APIRouter(tags=["service tokens"])


@router.get("/.well-known/jwks.json", summary="Service-token verification keys (JWKS)")
def jwks() -> JSONResponse:
    return JSONResponse({"keys": configured_keyset().published()}, headers={"Cache-Control": "public, max-age=300"})

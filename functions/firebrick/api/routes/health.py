"""Liveness: no auth, no Firestore, so it measures the function itself."""

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"] = "ok"


@router.get("/health", summary="Liveness check")
async def health() -> Health:
    return Health()

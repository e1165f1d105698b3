"""Liveness: no auth, no Firestore, so it measures the function itself."""

from fastapi import APIRouter

from firebrick.models.health import Health

router = APIRouter(tags=["health"])


@router.get("/health", summary="Liveness check")
def health() -> Health:
    return Health()

"""Routers, one module per part of the API as the spec groups it.

Route modules are imported on the first request that needs them (`api/app.py`):
a fresh instance answering its first request should not import, and build the
pydantic models of, the whole API. To publish a router, add a row to `ROUTERS`,
and its module to `SEGMENTS` under the first path segment (after /v1) it serves.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import APIRouter

#: (module, router attribute, open even with App Check enforced), in publishing order. Open: the
#: liveness probe, and the keys machines verify service tokens with.
ROUTERS: tuple[tuple[str, str, bool], ...] = (
    ("health", "router", True),
    ("auth", "router", False),
    ("auth", "me_router", False),
    ("orgs", "router", False),
    ("orgs", "members_router", False),
    ("orgs", "invites_router", False),
    ("projects", "router", False),
    ("projects", "tasks_router", False),
    ("projects", "comments_router", False),
    ("tokens", "router", False),
    ("tokens", "audit_router", False),
    ("tokens", "jwks_router", True),
)

#: First path segment under /v1 -> the route modules serving paths that start with it.
SEGMENTS: dict[str, tuple[str, ...]] = {
    "health": ("health",),
    "auth": ("auth",),
    "me": ("auth",),
    "orgs": ("orgs", "projects", "tokens"),
    "invites": ("orgs",),
    ".well-known": ("tokens",),
}

MODULES: tuple[str, ...] = tuple(dict.fromkeys(module for module, _, _ in ROUTERS))


def routers_of(module: str) -> list[tuple[int, APIRouter, bool]]:
    """The module's routers (imported now): position in `ROUTERS`, router, open under App Check."""
    loaded = import_module(f"{__name__}.{module}")
    return [
        (rank, getattr(loaded, attribute), open_)
        for rank, (name, attribute, open_) in enumerate(ROUTERS)
        if name == module
    ]

"""Routers, one module per part of the API as the spec groups it. Add a router here to publish it under /v1."""

from fastapi import APIRouter

from firebrick.api.routes import auth, health, orgs, projects, tokens

ROUTERS: list[APIRouter] = [
    health.router,
    auth.router,
    auth.me_router,
    orgs.router,
    orgs.members_router,
    orgs.invites_router,
    projects.router,
    projects.tasks_router,
    projects.comments_router,
    tokens.router,
    tokens.audit_router,
    tokens.jwks_router,
]

#: Open even with App Check enforced: the liveness probe, and the keys machines verify service tokens with.
OPEN_ROUTERS: tuple[APIRouter, ...] = (health.router, tokens.jwks_router)

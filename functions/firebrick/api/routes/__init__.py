"""Routers, one module per resource. Add a router here to publish it under /v1."""

from fastapi import APIRouter

from firebrick.api.routes import (
    audit,
    auth,
    comments,
    health,
    invites,
    jwks,
    me,
    members,
    orgs,
    projects,
    tasks,
    tokens,
)

ROUTERS: list[APIRouter] = [
    health.router,
    auth.router,
    me.router,
    orgs.router,
    members.router,
    invites.router,
    projects.router,
    tasks.router,
    comments.router,
    tokens.router,
    audit.router,
    jwks.router,
]

"""Routers, one module per resource. Add a router here to publish it under /v1."""

from fastapi import APIRouter

from firebrick.api.routes import auth, health, invites, jwks, me, members, orgs, tokens

ROUTERS: list[APIRouter] = [
    health.router,
    auth.router,
    me.router,
    orgs.router,
    members.router,
    invites.router,
    tokens.router,
    jwks.router,
]

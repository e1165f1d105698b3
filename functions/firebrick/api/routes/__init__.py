"""Routers, one module per resource. Add a router here to publish it under /v1."""

from fastapi import APIRouter

from firebrick.api.routes import health, invites, members, orgs

ROUTERS: list[APIRouter] = [
    health.router,
    orgs.router,
    members.router,
    invites.router,
]

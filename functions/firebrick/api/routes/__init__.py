"""Routers, one module per resource. Add a router here to publish it under /v1."""

from fastapi import APIRouter

from firebrick.api.routes import auth, health, me

ROUTERS: list[APIRouter] = [
    health.router,
    auth.router,
    me.router,
]

"""Routers, one module per resource. Add a router here to publish it under /v1."""

from fastapi import APIRouter

from firebrick.api.routes import comments, health, projects, tasks

ROUTERS: list[APIRouter] = [
    health.router,
    projects.router,
    tasks.router,
    comments.router,
]

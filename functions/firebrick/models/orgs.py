"""Orgs: what a client may send, and what it gets back."""

from __future__ import annotations

from pydantic import Field

from firebrick.models.common import Created, Name, RequestModel, RoleName


class OrgCreate(RequestModel):
    name: Name


class OrgUpdate(RequestModel):
    name: Name


class Org(Created):
    """An org as the caller sees it."""

    id: str = Field(description="Org id")
    name: str
    role: RoleName | None = Field(None, description="The caller's own role; null for support staff")

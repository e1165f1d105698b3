"""Memberships: request and response bodies."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from firebrick.models.roles import RoleName, StrictModel


class MemberUpdate(StrictModel):
    role: RoleName


class Member(BaseModel):
    uid: str
    role: RoleName
    displayName: str | None = None  # noqa: N815 - JSON field names follow the data model
    joinedAt: datetime | None = None  # noqa: N815


class MemberList(BaseModel):
    items: list[Member]

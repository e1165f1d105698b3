"""Memberships: what a client may send, and what it gets back."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from firebrick.models.common import RequestModel, ResponseModel, RoleName


class MemberUpdate(RequestModel):
    role: RoleName


class Member(ResponseModel):
    uid: str = Field(description="The member's user id")
    role: RoleName
    display_name: str | None = Field(None, description="Copied from the member's profile by a trigger")
    joined_at: datetime | None = Field(None, description="When they joined (UTC)")

"""Service tokens: what an admin may send, and what they get back (the token itself only once)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from firebrick.models.common import Created, JsonInt, Name, RequestModel


class ServiceTokenCreate(RequestModel):
    name: Name
    role: Literal["viewer", "member"]
    expires_in_days: JsonInt = Field(ge=1, le=365)


class ServiceToken(Created):
    id: str = Field(description="Token id (the JWT's `jti`)")
    name: str
    role: str = Field(description="The role it acts with in its org: viewer or member")
    expires_at: datetime | None = Field(None, description="When it stops working (UTC)")
    revoked: bool = Field(False, description="Revoked tokens are refused at once")


class ServiceTokenCreated(ServiceToken):
    token: str = Field(description="Shown once; store it now")

"""Org audit log entries as admins read them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from firebrick.models.common import ResponseModel


class AuditEntry(ResponseModel):
    """One security-relevant action (see `firebrick.audit`); never holds secrets."""

    id: str
    action: str = Field(description="What happened, e.g. `member.role_changed`")
    actor_uid: str | None = Field(None, description="Who did it (uid); null when unknown, e.g. a failed login")
    target: str | None = Field(None, description="What it was done to: a document path or an id")
    ip: str | None = Field(None, description="The client's address (behind trusted proxies)")
    user_agent: str | None = None
    request_id: str | None = Field(None, description="The request's X-Request-Id, to find its log lines")
    details: dict[str, Any] = Field(default_factory=dict)
    at: datetime | None = Field(None, description="When (UTC)")

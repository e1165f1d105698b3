"""Org audit log entries as admins read them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from firebrick.models.common import ResponseModel


class AuditEntry(ResponseModel):
    """One security-relevant action (see `firebrick.audit`); never holds secrets."""

    id: str
    action: str
    actor_uid: str | None = None
    target: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    at: datetime | None = None

"""Invitations: what a client may send, and what it gets back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from firebrick.models.common import Email, RequestModel, ResponseModel, RoleName


class InviteCreate(RequestModel):
    email: Email
    role: RoleName


class InviteCreated(ResponseModel):
    """Returned once: the token is never stored or shown again."""

    id: str
    token: str = Field(description="Shown once; send it to the invitee")
    expires_at: datetime


class InviteAccept(RequestModel):
    token: Annotated[str, StringConstraints(min_length=16, max_length=4096)]


class InviteAccepted(ResponseModel):
    org_id: str
    role: RoleName

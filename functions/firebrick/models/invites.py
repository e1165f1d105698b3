"""Invitations: request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, StringConstraints

from firebrick.models.roles import RoleName, StrictModel

#: A pragmatic address check (one @, a dotted domain, no spaces); the real proof is
#: that the accepting user's verified email matches it.
_EMAIL = r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$"


def _normalise_email(value: str) -> str:
    return value.lower()


Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254, pattern=_EMAIL),
    AfterValidator(_normalise_email),
]


class InviteCreate(StrictModel):
    email: Email
    role: RoleName


class InviteCreated(BaseModel):
    """Returned once: the token is never stored or shown again."""

    id: str
    token: str
    expiresAt: datetime  # noqa: N815 - JSON field names follow the data model


class InviteAccept(StrictModel):
    token: Annotated[str, StringConstraints(min_length=16, max_length=4096)]


class InviteAccepted(BaseModel):
    orgId: str  # noqa: N815
    role: RoleName

"""Orgs: request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, StringConstraints

from firebrick.models.roles import RoleName, StrictModel

#: 1-100 characters after trimming, no control characters.
OrgName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")
]


class OrgCreate(StrictModel):
    name: OrgName


class OrgUpdate(StrictModel):
    name: OrgName


class Org(BaseModel):
    """An org as the caller sees it; `role` is the caller's own (None for platform admins)."""

    id: str
    name: str
    createdAt: datetime | None = None  # noqa: N815 - JSON field names follow the data model
    createdBy: str | None = None  # noqa: N815
    role: RoleName | None = None


class OrgList(BaseModel):
    items: list[Org]

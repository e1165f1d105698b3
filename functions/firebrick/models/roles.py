"""Shared pieces of the orgs/members/invites models: role names, strict bodies.

(Kept apart from other models' shared module so branches merge cleanly; fold together when convenient.)
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

#: An org role as it appears in the API and in membership documents.
RoleName = Literal["owner", "admin", "member", "viewer"]


class StrictModel(BaseModel):
    """Request bodies: unknown fields are refused, strings are stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

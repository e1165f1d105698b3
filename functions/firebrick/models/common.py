"""Shared building blocks of the request/response models."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

#: Document IDs accepted in paths and bodies: Firestore auto-IDs, uids and the like.
DocId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,128}$")]

#: An org role as it appears in the API and in membership documents.
RoleName = Literal["owner", "admin", "member", "viewer"]


class StrictModel(BaseModel):
    """Request bodies: unknown fields are refused, strings are stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

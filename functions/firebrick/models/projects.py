"""Projects: what a client may send, and what it gets back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from firebrick.models.common import NoControlChars, RequestModel, ResponseModel, UpdateModel

ProjectName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), NoControlChars]
ProjectDescription = Annotated[str, StringConstraints(max_length=5000), NoControlChars]


class ProjectCreate(RequestModel):
    name: ProjectName
    description: ProjectDescription = ""


class ProjectUpdate(UpdateModel):
    name: ProjectName | None = None
    description: ProjectDescription | None = None
    archived: bool | None = None


class StatusCounts(ResponseModel):
    todo: int = 0
    doing: int = 0
    done: int = 0


class ProjectStats(ResponseModel):
    """Derived by triggers; absent until they have run."""

    task_count: int = 0
    by_status: StatusCounts = Field(default_factory=StatusCounts)


class Project(ResponseModel):
    id: str
    org_id: str
    name: str
    description: str = ""
    archived: bool = False
    created_at: datetime | None = None
    created_by: str | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None
    stats: ProjectStats = Field(default_factory=ProjectStats)

"""Projects: what a client may send, and what it gets back."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from firebrick.models import common
from firebrick.models.common import ListQuery, RequestModel, ResponseModel, Updated, UpdateModel

ProjectName = Annotated[str, StringConstraints(max_length=120, pattern=common.NONBLANK_TEXT_PATTERN), common.Trimmed]
ProjectDescription = Annotated[str, StringConstraints(max_length=5000, pattern=common.TEXT_PATTERN)]


class ProjectCreate(RequestModel):
    name: ProjectName
    description: ProjectDescription = ""


class ProjectUpdate(UpdateModel):
    name: ProjectName | None = None
    description: ProjectDescription | None = None
    archived: bool | None = None


class ProjectListQuery(ListQuery):
    archived: bool | None = Field(None, description="Only archived (true) or active (false) projects")


class StatusCounts(ResponseModel):
    todo: int = 0
    doing: int = 0
    done: int = 0


class ProjectStats(ResponseModel):
    """Derived by triggers; absent until they have run."""

    task_count: int = 0
    by_status: StatusCounts = Field(default_factory=StatusCounts)


class Project(Updated):
    id: str = Field(description="Project id")
    org_id: str = Field(description="Id of the org it belongs to")
    name: str
    description: str = ""
    archived: bool = Field(False, description="Archived projects take no new tasks")
    stats: ProjectStats = Field(default_factory=ProjectStats)

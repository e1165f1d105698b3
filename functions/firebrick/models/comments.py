"""Comments on a task: what a client may send, and what it gets back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from firebrick.models.common import NONBLANK_TEXT_PATTERN, RequestModel, ResponseModel, Trimmed, UpdateModel

CommentBody = Annotated[str, StringConstraints(max_length=5000, pattern=NONBLANK_TEXT_PATTERN), Trimmed]


class CommentCreate(RequestModel):
    body: CommentBody


class CommentUpdate(UpdateModel):
    body: CommentBody | None = None


class Comment(ResponseModel):
    id: str = Field(description="Comment id")
    org_id: str = Field(description="Id of the org it belongs to")
    project_id: str = Field(description="Id of the project it belongs to")
    task_id: str = Field(description="Id of the task it is on")
    body: str
    author_uid: str = Field(description="uid of its author")
    created_at: datetime | None = Field(None, description="When it was written (UTC)")
    edited_at: datetime | None = Field(None, description="When it was last edited (UTC); null if never")
    edited_by: str | None = Field(None, description="uid of who edited it last: the author, or a moderator")

"""Comments on a task: what a client may send, and what it gets back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import StringConstraints

from firebrick.models.common import NoControlChars, RequestModel, ResponseModel, UpdateModel

CommentBody = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000), NoControlChars]


class CommentCreate(RequestModel):
    body: CommentBody


class CommentUpdate(UpdateModel):
    body: CommentBody | None = None


class Comment(ResponseModel):
    id: str
    org_id: str
    project_id: str
    task_id: str
    body: str
    author_uid: str
    created_at: datetime | None = None
    edited_at: datetime | None = None
    edited_by: str | None = None

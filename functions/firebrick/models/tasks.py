"""Tasks: what a client may send, and what it gets back."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, StringConstraints

from firebrick.models.common import (
    NONBLANK_TEXT_PATTERN,
    TEXT_PATTERN,
    DocId,
    ListQuery,
    RequestModel,
    ResponseModel,
    Trimmed,
    Updated,
    UpdateModel,
)

TaskStatus = Literal["todo", "doing", "done"]
TASK_STATUSES: tuple[TaskStatus, ...] = ("todo", "doing", "done")

TaskTitle = Annotated[str, StringConstraints(max_length=200, pattern=NONBLANK_TEXT_PATTERN), Trimmed]
TaskDescription = Annotated[str, StringConstraints(max_length=10000, pattern=TEXT_PATTERN)]
Label = Annotated[str, StringConstraints(max_length=40, pattern=NONBLANK_TEXT_PATTERN), Trimmed]


def _unique(labels: list[str]) -> list[str]:
    if len(set(labels)) != len(labels):
        raise ValueError("labels must be unique")
    return labels


Labels = Annotated[list[Label], Field(max_length=20, json_schema_extra={"uniqueItems": True}), AfterValidator(_unique)]


#: Years 1970-9998 as written (Firestore refuses instants before the epoch; 9998 leaves room for any offset).
DUE_AT_PATTERN = r"^(19[7-9][0-9]|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])-"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _iso_string(value: object) -> object:
    # Strict mode would refuse every string; lax mode would accept numbers as epoch seconds.
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 date-time string with an offset")
    if not re.match(DUE_AT_PATTERN, value):
        raise ValueError("date-time out of range: years 1970 to 9998")
    return value


def _to_utc(moment: datetime) -> datetime:
    utc = moment.astimezone(UTC)
    if utc < _EPOCH:
        raise ValueError("date-time out of range: not before 1970-01-01T00:00:00Z")
    return utc


#: JSON has no datetime type: an ISO 8601 string with an explicit offset, stored in UTC.
DueAt = Annotated[
    AwareDatetime,
    Field(strict=False, json_schema_extra={"pattern": DUE_AT_PATTERN}),
    BeforeValidator(_iso_string),
    AfterValidator(_to_utc),
]


class TaskCreate(RequestModel):
    title: TaskTitle
    description: TaskDescription = ""
    status: TaskStatus = "todo"
    assignee_uid: DocId | None = None
    due_at: DueAt | None = None
    labels: Labels = Field(default_factory=list)


class TaskUpdate(UpdateModel):
    """`assigneeUid: null` unassigns and `dueAt: null` clears; other nulls are refused."""

    nullable: ClassVar[frozenset[str]] = frozenset({"assignee_uid", "due_at"})

    title: TaskTitle | None = None
    description: TaskDescription | None = None
    status: TaskStatus | None = None
    assignee_uid: DocId | None = None
    due_at: DueAt | None = None
    labels: Labels | None = None


class TaskListQuery(ListQuery):
    status: TaskStatus | None = None
    assignee_uid: DocId | None = None


class Assignee(ResponseModel):
    uid: str
    display_name: str | None = None


class Task(Updated):
    id: str = Field(description="Task id")
    org_id: str = Field(description="Id of the org it belongs to")
    project_id: str = Field(description="Id of the project it belongs to")
    title: str
    description: str = ""
    status: TaskStatus = "todo"
    assignee_uid: str | None = Field(None, description="uid of the member it is assigned to")
    assignee: Assignee | None = Field(default=None, description="Derived by triggers from assigneeUid.")
    due_at: datetime | None = None
    labels: list[str] = Field(default_factory=list)
    comment_count: int = Field(0, description="Derived by triggers")
    attachment_count: int = Field(0, description="Derived by triggers")

"""Tasks: what a client may send, and what it gets back."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, StringConstraints

from firebrick.models.common import DocId, ListQuery, NoControlChars, RequestModel, ResponseModel, Updated, UpdateModel

TaskStatus = Literal["todo", "doing", "done"]
TASK_STATUSES: tuple[TaskStatus, ...] = ("todo", "doing", "done")

TaskTitle = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NoControlChars]
TaskDescription = Annotated[str, StringConstraints(max_length=10000), NoControlChars]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), NoControlChars]


def _unique(labels: list[str]) -> list[str]:
    if len(set(labels)) != len(labels):
        raise ValueError("labels must be unique")
    return labels


Labels = Annotated[list[Label], Field(max_length=20), AfterValidator(_unique)]


def _iso_string(value: object) -> object:
    # Strict mode would refuse every string; lax mode would accept numbers as epoch seconds.
    if not isinstance(value, str | datetime):
        raise ValueError("must be an ISO 8601 date-time string with an offset")
    return value


def _to_utc(moment: datetime) -> datetime:
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("date-time out of range") from None
    if not 1970 <= utc.year <= 9998:
        raise ValueError("date-time out of range")
    return utc


#: JSON has no datetime type: an ISO 8601 string with an explicit offset, stored in UTC.
DueAt = Annotated[
    AwareDatetime,
    Field(strict=False),
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

"""Firestore documents as apps read them directly under the rules (web and mobile SDKs).

The stored shape, not the REST one: no `id` (it is the document's own), timestamps
as Firestore Timestamps (datetime here), derived fields written by triggers. The
typed client's document types and converters are generated from these models
(`scripts/gen-clients`), so an app reading `orgs/{orgId}/.../tasks/{taskId}` and
the backend writing it agree on one shape.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import ConfigDict, Field

from firebrick.models.common import ResponseModel, RoleName
from firebrick.models.projects import ProjectStats
from firebrick.models.tasks import Assignee, TaskStatus


class Document(ResponseModel):
    """Base of document models: `path` is where the rules let members read it (Firestore path template)."""

    model_config = ConfigDict(extra="allow")
    path: ClassVar[str]


class Tracked(Document):
    """Who wrote the document first and last, and when (set by the backend)."""

    created_at: datetime | None = None
    created_by: str | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None


class OrgStats(ResponseModel):
    member_count: int = 0


class OrgDocument(Tracked):
    path = "orgs/{orgId}"
    name: str
    stats: OrgStats | None = Field(None, description="Derived by triggers")


class MemberDocument(Document):
    path = "orgs/{orgId}/members/{uid}"
    uid: str
    role: RoleName
    display_name: str | None = Field(None, description="Copied from the member's profile by a trigger")
    joined_at: datetime | None = None
    role_updated_at: datetime | None = None


class ProjectDocument(Tracked):
    path = "orgs/{orgId}/projects/{projectId}"
    org_id: str
    name: str
    description: str = ""
    archived: bool = False
    stats: ProjectStats | None = Field(None, description="Derived by triggers")


class TaskDocument(Tracked):
    path = "orgs/{orgId}/projects/{projectId}/tasks/{taskId}"
    org_id: str
    project_id: str
    title: str
    description: str = ""
    status: TaskStatus = "todo"
    assignee_uid: str | None = None
    assignee: Assignee | None = Field(None, description="Derived by triggers from assigneeUid")
    due_at: datetime | None = None
    labels: list[str] = Field(default_factory=list)
    comment_count: int = Field(0, description="Derived by triggers")
    attachment_count: int = Field(0, description="Derived by triggers")


class CommentDocument(Document):
    path = "orgs/{orgId}/projects/{projectId}/tasks/{taskId}/comments/{commentId}"
    org_id: str
    project_id: str
    task_id: str
    body: str
    author_uid: str
    created_at: datetime | None = None
    edited_at: datetime | None = None
    edited_by: str | None = None


class ActivityEntryDocument(Document):
    """One entry of the org's feed (written by triggers only); further fields depend on `type`."""

    path = "orgs/{orgId}/activity/{entryId}"
    type: str = Field(description="What happened, e.g. `task.status_changed`")
    actor_uid: str | None = None
    at: datetime
    project_id: str | None = None
    task_id: str | None = None


class UserOrg(ResponseModel):
    role: RoleName | None = None
    name: str | None = None


class UserProfileDocument(Document):
    path = "users/{uid}"
    display_name: str | None = None
    email: str | None = None
    photo_url: str | None = Field(None, alias="photoURL")
    created_at: datetime | None = None
    orgs: dict[str, UserOrg] = Field(default_factory=dict, description="orgId -> role and name; derived")
    claims_updated_at: datetime | None = Field(
        None, description="Moves after every role change: force-refresh the ID token when it does"
    )


#: What apps read directly, by the name the typed client gives each document type.
DOCUMENTS: dict[str, type[Document]] = {
    "Org": OrgDocument,
    "Member": MemberDocument,
    "Project": ProjectDocument,
    "Task": TaskDocument,
    "Comment": CommentDocument,
    "ActivityEntry": ActivityEntryDocument,
    "UserProfile": UserProfileDocument,
}

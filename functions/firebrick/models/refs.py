"""References to a resource by its ids, as REST paths and callable payloads carry them.

A REST route builds one from its path parameters (`api/deps.py`); a callable
parses one from its payload's `orgId`/`projectId`/`taskId` fields. Services take
the reference, so both doors name a resource the same way, and `path` is where
it lives in Firestore.
"""

from __future__ import annotations

from pydantic import ConfigDict

from firebrick import paths
from firebrick.models.common import DocId, RequestModel


class Ref(RequestModel):
    """Base of references: strict and camelCase like every request model, and constructible by field name."""

    model_config = ConfigDict(validate_by_name=True)


class NoRef(Ref):
    """Commands whose REST path names no resource (`POST /v1/orgs`, `POST /v1/invites/accept`)."""


class OrgRef(Ref):
    org_id: DocId

    @property
    def path(self) -> str:
        return paths.org(self.org_id)

    def member(self, uid: str) -> MemberRef:
        return MemberRef(org_id=self.org_id, uid=uid)

    def token(self, token_id: str) -> TokenRef:
        return TokenRef(org_id=self.org_id, token_id=token_id)

    def project(self, project_id: str) -> ProjectRef:
        return ProjectRef(org_id=self.org_id, project_id=project_id)


class MemberRef(OrgRef):
    uid: DocId

    @property
    def path(self) -> str:
        return paths.member(self.org_id, self.uid)


class TokenRef(OrgRef):
    token_id: DocId

    @property
    def path(self) -> str:
        return paths.token(self.org_id, self.token_id)


class ProjectRef(OrgRef):
    project_id: DocId

    @property
    def path(self) -> str:
        return paths.project(self.org_id, self.project_id)

    def task(self, task_id: str) -> TaskRef:
        return TaskRef(org_id=self.org_id, project_id=self.project_id, task_id=task_id)


class TaskRef(ProjectRef):
    task_id: DocId

    @property
    def path(self) -> str:
        return paths.task(self.org_id, self.project_id, self.task_id)

    def comment(self, comment_id: str) -> CommentRef:
        return CommentRef(org_id=self.org_id, project_id=self.project_id, task_id=self.task_id, comment_id=comment_id)


class CommentRef(TaskRef):
    comment_id: DocId

    @property
    def path(self) -> str:
        return paths.comment(self.org_id, self.project_id, self.task_id, self.comment_id)

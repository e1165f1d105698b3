"""`services.comments`, called directly: authors edit their own, admins moderate any."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from firebrick.errors import NotFound, PermissionDenied
from firebrick.models.comments import CommentCreate, CommentUpdate
from firebrick.models.common import ListQuery
from firebrick.models.projects import ProjectCreate
from firebrick.models.refs import CommentRef, TaskRef
from firebrick.models.tasks import TaskCreate
from firebrick.services import comments, projects, tasks
from tests.support.orgs import PrincipalsOrg

EDIT = CommentUpdate.model_validate({"body": "edited"})


@pytest.fixture
def task(principals_org: Callable[..., PrincipalsOrg]) -> tuple[PrincipalsOrg, TaskRef]:
    org = principals_org()
    project = projects.create_project(org["admin"], org.ref, ProjectCreate.model_validate({"name": "P"})).resource
    project_ref = org.ref.project(project.id)
    created = tasks.create_task(org["member"], project_ref, TaskCreate.model_validate({"title": "T"})).resource
    return org, project_ref.task(created.id)


def comment_as(org: PrincipalsOrg, task: TaskRef, role: str, body: str = "hi") -> CommentRef:
    created = comments.create_comment(org[role], task, CommentCreate.model_validate({"body": body}))
    return task.comment(created.resource.id)


def test_members_comment_viewers_cannot(task: tuple[PrincipalsOrg, TaskRef]) -> None:
    org, task_ref = task
    with pytest.raises(PermissionDenied):
        comment_as(org, task_ref, "viewer")
    comment = comment_as(org, task_ref, "member", "first!")
    read = comments.get_comment(org["viewer"], comment).resource
    assert (read.body, read.author_uid, read.edited_at) == ("first!", org["member"].uid, None)
    assert [c.id for c in comments.list_comments(org["viewer"], task_ref, ListQuery()).items] == [comment.comment_id]
    with pytest.raises(NotFound):
        comments.list_comments(org["viewer"], task_ref.model_copy(update={"task_id": "missing"}), ListQuery())


def test_authors_edit_their_own_and_admins_moderate_any(task: tuple[PrincipalsOrg, TaskRef]) -> None:
    org, task_ref = task
    mine = comment_as(org, task_ref, "member")
    theirs = comment_as(org, task_ref, "admin")
    edited = comments.update_comment(org["member"], mine, EDIT).resource
    assert (edited.body, edited.edited_by) == ("edited", org["member"].uid)
    assert edited.edited_at is not None
    with pytest.raises(PermissionDenied):
        comments.update_comment(org["member"], theirs, EDIT)
    with pytest.raises(PermissionDenied):
        comments.delete_comment(org["member"], theirs)
    moderated = comments.update_comment(org["owner"], mine, EDIT).resource
    assert (moderated.author_uid, moderated.edited_by) == (org["member"].uid, org["owner"].uid)
    comments.delete_comment(org["admin"], mine)
    comments.delete_comment(org["admin"], theirs)
    assert comments.list_comments(org["viewer"], task_ref, ListQuery()).items == []

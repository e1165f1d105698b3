"""`services.tasks`, called directly: create, read, list, update, delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from firebrick.errors import AssigneeNotMember, FailedPrecondition, NotFound, PermissionDenied
from firebrick.models.projects import ProjectCreate, ProjectUpdate
from firebrick.models.refs import ProjectRef
from firebrick.models.tasks import TaskCreate, TaskListQuery, TaskUpdate
from firebrick.services import projects, tasks
from tests.support.orgs import PrincipalsOrg


def task_body(**fields: Any) -> TaskCreate:
    return TaskCreate.model_validate({"title": "Ship it", **fields})


@pytest.fixture
def org(principals_org: Callable[..., PrincipalsOrg]) -> tuple[PrincipalsOrg, ProjectRef]:
    seeded = principals_org()
    project = projects.create_project(seeded["admin"], seeded.ref, ProjectCreate.model_validate({"name": "P"}))
    return seeded, seeded.ref.project(project.resource.id)


def test_members_create_and_update_tasks_viewers_only_read(org: tuple[PrincipalsOrg, ProjectRef]) -> None:
    seeded, project = org
    with pytest.raises(PermissionDenied):
        tasks.create_task(seeded["viewer"], project, task_body())
    created = tasks.create_task(seeded["member"], project, task_body())
    task = project.task(created.resource.id)
    stored = seeded.db.document(task.path).get().to_dict() or {}
    assert (stored["orgId"], stored["projectId"], stored["createdBy"]) == (
        seeded.org_id,
        project.project_id,
        seeded["member"].uid,
    )
    updated = tasks.update_task(seeded["member"], task, TaskUpdate.model_validate({"status": "done"}))
    assert (updated.resource.status, updated.resource.updated_by) == ("done", seeded["member"].uid)
    assert tasks.get_task(seeded["viewer"], task) == updated


def test_assignees_must_be_members(org: tuple[PrincipalsOrg, ProjectRef]) -> None:
    seeded, project = org
    with pytest.raises(AssigneeNotMember):
        tasks.create_task(seeded["member"], project, task_body(assigneeUid="stranger"))
    assigned = tasks.create_task(seeded["member"], project, task_body(assigneeUid=seeded["viewer"].uid))
    unassign = TaskUpdate.model_validate({"assigneeUid": None})
    cleared = tasks.update_task(seeded["member"], project.task(assigned.resource.id), unassign)
    assert cleared.resource.assignee_uid is None


def test_tasks_need_an_existing_unarchived_project(org: tuple[PrincipalsOrg, ProjectRef]) -> None:
    seeded, project = org
    with pytest.raises(NotFound):
        tasks.create_task(seeded["member"], seeded.ref.project("missing"), task_body())
    projects.update_project(seeded["admin"], project, ProjectUpdate.model_validate({"archived": True}))
    with pytest.raises(FailedPrecondition):
        tasks.create_task(seeded["member"], project, task_body())


def test_listing_filters_by_status_and_assignee(org: tuple[PrincipalsOrg, ProjectRef]) -> None:
    seeded, project = org
    member = seeded["member"]
    mine = tasks.create_task(member, project, task_body(status="doing", assigneeUid=member.uid))
    tasks.create_task(member, project, task_body(status="doing"))
    tasks.create_task(member, project, task_body())
    doing_mine = TaskListQuery.model_validate({"status": "doing", "assigneeUid": member.uid})
    assert [t.id for t in tasks.list_tasks(seeded["viewer"], project, doing_mine).items] == [mine.resource.id]
    assert len(tasks.list_tasks(seeded["viewer"], project, TaskListQuery()).items) == 3


def test_only_admins_delete_tasks(org: tuple[PrincipalsOrg, ProjectRef]) -> None:
    seeded, project = org
    task = project.task(tasks.create_task(seeded["member"], project, task_body()).resource.id)
    with pytest.raises(PermissionDenied):
        tasks.delete_task(seeded["member"], task)
    tasks.delete_task(seeded["admin"], task)
    with pytest.raises(NotFound):
        tasks.get_task(seeded["viewer"], task)

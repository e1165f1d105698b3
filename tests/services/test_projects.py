"""`services.projects`, called directly: create, read, list, update, delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from firebrick.errors import InvalidCursor, NotFound, PermissionDenied, PreconditionFailed
from firebrick.models.projects import ProjectCreate, ProjectListQuery, ProjectUpdate
from firebrick.services import projects
from tests.support.orgs import PrincipalsOrg

ARCHIVE = ProjectUpdate.model_validate({"archived": True})


def listing(**params: Any) -> ProjectListQuery:
    return ProjectListQuery.model_validate(params)


def new(name: str = "Roadmap") -> ProjectCreate:
    return ProjectCreate.model_validate({"name": name})


def test_admins_create_projects_and_viewers_read_them(principals_org: Callable[..., PrincipalsOrg]) -> None:
    org = principals_org()
    with pytest.raises(PermissionDenied):
        projects.create_project(org["member"], org.ref, new())
    created = projects.create_project(org["admin"], org.ref, new())
    read = projects.get_project(org["viewer"], org.ref.project(created.resource.id))
    assert read == created
    assert (read.resource.name, read.resource.archived, read.resource.created_by) == (
        "Roadmap",
        False,
        org["admin"].uid,
    )
    with pytest.raises(NotFound):
        projects.get_project(org["viewer"], org.ref.project("missing"))


def test_a_retried_create_with_the_same_id_returns_the_first(principals_org: Callable[..., PrincipalsOrg]) -> None:
    org = principals_org(roles=("admin",))
    first = projects.create_project(org["admin"], org.ref, new("A"), "p1")
    assert projects.create_project(org["admin"], org.ref, new("B"), "p1") == first


def test_updates_are_conditional_on_the_version_sent(principals_org: Callable[..., PrincipalsOrg]) -> None:
    org = principals_org(roles=("admin",))
    created = projects.create_project(org["admin"], org.ref, new())
    project = org.ref.project(created.resource.id)
    assert projects.update_project(org["admin"], project, ARCHIVE, if_match=created.etag).resource.archived is True
    with pytest.raises(PreconditionFailed):
        projects.update_project(org["admin"], project, ARCHIVE, if_match=created.etag)


def test_listing_pages_in_creation_order_and_filters_archived(principals_org: Callable[..., PrincipalsOrg]) -> None:
    org = principals_org(roles=("admin", "viewer"))
    ids = [projects.create_project(org["admin"], org.ref, new(f"P{i}")).resource.id for i in range(5)]
    projects.update_project(org["admin"], org.ref.project(ids[0]), ARCHIVE)
    first = projects.list_projects(org["viewer"], org.ref, listing(limit=3))
    rest = projects.list_projects(org["viewer"], org.ref, listing(limit=3, cursor=first.next_cursor))
    assert [p.id for p in first.items + rest.items] == ids
    assert rest.next_cursor is None
    active = projects.list_projects(org["viewer"], org.ref, listing(archived=False))
    assert [p.id for p in active.items] == ids[1:]
    with pytest.raises(InvalidCursor):  # a cursor is bound to the listing that issued it
        projects.list_projects(org["viewer"], org.ref, listing(cursor=first.next_cursor, archived=False))


def test_deleting_a_project_is_audited(principals_org: Callable[..., PrincipalsOrg]) -> None:
    org = principals_org(roles=("admin", "member"))
    project = org.ref.project(projects.create_project(org["admin"], org.ref, new()).resource.id)
    with pytest.raises(PermissionDenied):
        projects.delete_project(org["member"], project)
    projects.delete_project(org["admin"], project)
    assert not org.db.document(project.path).get().exists
    audit = [e.to_dict() or {} for e in org.db.collection(f"orgs/{org.org_id}/audit").stream()]
    assert [(e["action"], e["details"]) for e in audit] == [("project.deleted", {"name": "Roadmap"})]

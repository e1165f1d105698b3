"""Deleting an org, project, task or user deletes what lies under it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from firebrick.triggers.events import cascade_delete
from tests.support.orgs import SeededOrg
from tests.support.waiting import converges
from tests.triggers.support import dump_tree, seed_project, seed_task, stats, task_stats, value

if TYPE_CHECKING:
    from google.cloud.firestore import Client

#: Derived state: these tests need the Functions emulator's background triggers.
pytestmark = pytest.mark.triggers


def _populate(db: Client, org: SeededOrg) -> None:
    for p in ("p1", "p2"):
        project = seed_project(db, org.org_id, p)
        for t in ("t1", "t2"):
            task = seed_task(db, project, t, assigneeUid=org["owner"].uid)
            task.collection("comments").document("c").set({"body": "x", "authorUid": org["owner"].uid})
    converges(lambda: task_stats(db, db.document(f"orgs/{org.org_id}/projects/p2"))[0], 2)


def test_deleting_an_org_leaves_no_document_under_it(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org()
    _populate(admin_db, org)
    org_ref = admin_db.document(f"orgs/{org.org_id}")
    converges(lambda: stats(admin_db, org_ref.path).get("projectCount"), 2)
    org_ref.delete()

    converges(lambda: dump_tree(admin_db, org_ref), {}, timeout=180)
    owner = admin_db.document(f"users/{org['owner'].uid}")
    converges(lambda: (owner.get().to_dict() or {}).get("orgs"), {})


def test_deleting_a_project_deletes_its_tasks_and_comments(
    admin_db: Client, make_org: Callable[..., SeededOrg]
) -> None:
    org = make_org(roles=("owner",))
    _populate(admin_db, org)
    doomed = admin_db.document(f"orgs/{org.org_id}/projects/p1")
    doomed.delete()
    converges(lambda: dump_tree(admin_db, doomed), {}, timeout=120)
    converges(lambda: stats(admin_db, f"orgs/{org.org_id}").get("projectCount"), 1)
    # The sibling project is untouched.
    assert task_stats(admin_db, admin_db.document(f"orgs/{org.org_id}/projects/p2"))[0] == 2


def test_deleting_a_task_deletes_its_comments(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org(roles=("owner",))
    project = seed_project(admin_db, org.org_id)
    task = seed_task(admin_db, project, "t")
    for i in range(3):
        task.collection("comments").document(f"c{i}").set({"body": "x", "authorUid": org["owner"].uid})
    converges(lambda: value(task, "commentCount"), 3)
    task.delete()
    converges(lambda: dump_tree(admin_db, task), {})
    converges(lambda: task_stats(admin_db, project)[0], 0)


def test_deleting_a_user_removes_their_memberships(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org(roles=("owner", "member"))
    uid = org["member"].uid
    user = admin_db.document(f"users/{uid}")
    converges(lambda: list(((user.get().to_dict() or {}).get("orgs") or {}).keys()), [org.org_id])
    user.collection("private").document("prefs").set({"theme": "dark"})
    user.delete()
    member = admin_db.document(f"orgs/{org.org_id}/members/{uid}")
    converges(lambda: member.get().exists, False)
    converges(lambda: dump_tree(admin_db, user), {})
    converges(lambda: stats(admin_db, f"orgs/{org.org_id}").get("memberCount"), 1)


def test_cascade_delete_can_be_rerun_until_nothing_is_left(
    admin_db: Client, make_org: Callable[..., SeededOrg]
) -> None:
    org = make_org(roles=("owner",))
    project = seed_project(admin_db, org.org_id)
    task = seed_task(admin_db, project, "t")
    for i in range(5):
        task.collection("comments").document(f"c{i}").set({"body": "x"})
    converges(lambda: value(task, "commentCount"), 5)
    task.delete()
    # The trigger's cascade and this re-run overlap; each deletes what is left.
    cascade_delete(admin_db, task)
    converges(lambda: dump_tree(admin_db, task), {})
    cascade_delete(admin_db, task)  # nothing left: a no-op that does not fail
    assert dump_tree(admin_db, task) == {}

"""Counters and feeds converge to the exact truth through the Functions and Firestore emulators."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import pytest

from tests.support.orgs import SeededOrg
from tests.support.waiting import converges
from tests.triggers.support import seed_project, seed_task, stats, task_stats, value

if TYPE_CHECKING:
    from google.cloud.firestore import Client

#: Derived state: these tests need the Functions emulator's background triggers.
pytestmark = pytest.mark.triggers


def test_org_stats_count_members_and_projects(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org()
    seed_project(admin_db, org.org_id, "p1")
    seed_project(admin_db, org.org_id, "p2")

    def counts() -> tuple[Any, Any]:
        s = stats(admin_db, f"orgs/{org.org_id}")
        return s.get("memberCount"), s.get("projectCount")

    converges(counts, (4, 2))
    admin_db.document(f"orgs/{org.org_id}/members/{org['viewer'].uid}").delete()
    admin_db.document(f"orgs/{org.org_id}/projects/p2").delete()

    converges(counts, (3, 1))


def test_task_counters_follow_creates_status_moves_and_deletes(
    admin_db: Client, make_org: Callable[..., SeededOrg]
) -> None:
    org = make_org(roles=("owner",))
    project = seed_project(admin_db, org.org_id)
    a = seed_task(admin_db, project, "a")
    b = seed_task(admin_db, project, "b")
    seed_task(admin_db, project, "c", status="doing")
    converges(lambda: task_stats(admin_db, project), (3, {"todo": 2, "doing": 1, "done": 0}))

    a.update({"status": "doing"})
    a.update({"status": "done"})
    b.update({"status": "done"})
    b.update({"title": "renamed"})
    converges(lambda: task_stats(admin_db, project), (3, {"todo": 0, "doing": 1, "done": 2}))

    a.delete()
    converges(lambda: task_stats(admin_db, project), (2, {"todo": 0, "doing": 1, "done": 1}))


def test_comment_count_follows_comments(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org(roles=("owner",))
    project = seed_project(admin_db, org.org_id)
    task = seed_task(admin_db, project, "t")
    comments = task.collection("comments")
    for i in range(3):
        comments.document(f"c{i}").set({"body": f"hi {i}", "authorUid": org["owner"].uid, "createdAt": None})
    converges(lambda: value(task, "commentCount"), 3)

    comments.document("c0").update({"body": "edited", "editedAt": None})
    comments.document("c1").delete()
    converges(lambda: value(task, "commentCount"), 2)


def test_activity_feed_has_one_entry_per_change(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org(roles=("owner",))
    project = seed_project(admin_db, org.org_id)
    task = seed_task(admin_db, project, "t", createdBy=org["owner"].uid)
    task.update({"status": "doing", "updatedBy": org["owner"].uid})
    task.collection("comments").document("c").set({"body": "x", "authorUid": org["owner"].uid})
    feed = admin_db.collection(f"orgs/{org.org_id}/activity")

    def types() -> list[str]:
        # member.joined depends on whether the seeded member's event saw the org doc yet
        return sorted(t for d in feed.stream() if not (t := d.get("type")).startswith("member."))

    converges(types, ["comment.created", "project.created", "task.created", "task.status_changed"])
    task.delete()
    converges(types, ["comment.created", "project.created", "task.created", "task.deleted", "task.status_changed"])
    moved = next(d.to_dict() for d in feed.stream() if d.get("type") == "task.status_changed")
    assert moved["from"] == "todo"
    assert moved["to"] == "doing"
    assert moved["actorUid"] == org["owner"].uid
    assert moved["taskId"] == "t"


def test_hundred_concurrent_task_creations_count_exactly_hundred(
    admin_db: Client, make_org: Callable[..., SeededOrg]
) -> None:
    org = make_org(roles=("owner",))
    project = seed_project(admin_db, org.org_id)
    converges(lambda: stats(admin_db, f"orgs/{org.org_id}").get("projectCount"), 1)

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(lambda i: seed_task(admin_db, project, f"t{i:03}"), range(100)))

    converges(lambda: task_stats(admin_db, project), (100, {"todo": 100, "doing": 0, "done": 0}), timeout=240)


def test_assignee_is_denormalised_and_follows_renames(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org(roles=("owner", "member"))
    member = org["member"]
    project = seed_project(admin_db, org.org_id)
    task = seed_task(admin_db, project, "t", assigneeUid=member.uid)
    converges(lambda: value(task, "assignee"), {"uid": member.uid, "displayName": "Member of Acme"})

    admin_db.document(f"users/{member.uid}").update({"displayName": "Mia"})
    converges(lambda: value(task, "assignee"), {"uid": member.uid, "displayName": "Mia"})
    member_doc = admin_db.document(f"orgs/{org.org_id}/members/{member.uid}")
    converges(lambda: value(member_doc, "displayName"), "Mia")

    task.update({"assigneeUid": None})
    converges(lambda: value(task, "assignee"), None)


def test_user_orgs_map_follows_memberships_and_org_name(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org(name="Acme", roles=("owner", "viewer"))
    viewer = admin_db.document(f"users/{org['viewer'].uid}")

    def orgs() -> Any:
        return (viewer.get().to_dict() or {}).get("orgs")

    converges(orgs, {org.org_id: {"role": "viewer", "name": "Acme"}})
    admin_db.document(f"orgs/{org.org_id}").update({"name": "Acme Corp"})
    admin_db.document(f"orgs/{org.org_id}/members/{org['viewer'].uid}").update({"role": "member"})
    converges(orgs, {org.org_id: {"role": "member", "name": "Acme Corp"}})
    admin_db.document(f"orgs/{org.org_id}/members/{org['viewer'].uid}").delete()
    converges(orgs, {})


def test_profile_created_after_membership_gets_its_orgs_map(
    admin_db: Client, make_org: Callable[..., SeededOrg]
) -> None:
    org = make_org(name="Acme", roles=("owner",))
    late = "late-user"
    admin_db.document(f"orgs/{org.org_id}/members/{late}").set({"role": "viewer", "uid": late, "displayName": "L"})
    converges(lambda: stats(admin_db, f"orgs/{org.org_id}").get("memberCount"), 2)
    admin_db.document(f"users/{late}").set({"displayName": "Late"})
    converges(
        lambda: value(admin_db.document(f"users/{late}"), "orgs"), {org.org_id: {"role": "viewer", "name": "Acme"}}
    )
    converges(lambda: value(admin_db.document(f"orgs/{org.org_id}/members/{late}"), "displayName"), "Late")

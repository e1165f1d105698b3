"""Every handler, fed a copy of a real event twice or late, changes nothing the second time.

Events are built from real DocumentSnapshots read from the emulator, the way the
SDK builds them, and handed straight to the handlers (the Functions emulator has
already delivered the originals by then).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from firebrick.triggers.comments import on_comment_written
from firebrick.triggers.memberships import on_member_written
from firebrick.triggers.orgs import on_org_written
from firebrick.triggers.projects import on_project_written
from firebrick.triggers.tasks import on_task_written
from firebrick.triggers.users import on_user_written
from tests.support.orgs import SeededOrg
from tests.support.waiting import converges
from tests.triggers.support import dump_tree, seed_project, stats, task_stats, value, written_event

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, DocumentSnapshot

#: Derived state: these tests need the Functions emulator's background triggers.
pytestmark = pytest.mark.triggers


def _exact(ref: DocumentReference, write: Callable[[], Any]) -> DocumentSnapshot:
    """Make a write and read back exactly the version it produced."""
    result = write()
    snap = ref.get()
    assert snap.update_time == result.update_time, "another writer touched the doc in between"
    return snap


def _deliver_twice(handler: Callable[..., None], event: Any, db: Client, *roots: DocumentReference) -> None:
    handler(event, db=db)
    first = [dump_tree(db, r) for r in roots]
    handler(event, db=db)
    assert [dump_tree(db, r) for r in roots] == first


def _eid() -> str:
    return f"replay-{uuid.uuid4().hex}"


def test_task_events_replayed_or_late_change_nothing(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org(roles=("owner",))
    org_ref = admin_db.document(f"orgs/{org.org_id}")
    project = seed_project(admin_db, org.org_id)
    task = project.collection("tasks").document("t")
    params = {"orgId": org.org_id, "projectId": project.id, "taskId": "t"}
    s1 = _exact(task, lambda: task.set({"title": "Ship", "status": "todo", "createdBy": org["owner"].uid}))
    s2 = _exact(task, lambda: task.update({"status": "doing"}))
    s3 = _exact(task, lambda: task.update({"status": "done"}))
    converges(lambda: task_stats(admin_db, project), (1, {"todo": 0, "doing": 0, "done": 1}))
    feed = org_ref.collection("activity")
    converges(lambda: sum(d.get("type").startswith("task.") for d in feed.stream()), 3)
    settled = dump_tree(admin_db, org_ref)

    # Each real change, delivered again (twice) under a fresh event id: nothing moves.
    for before, after in ((None, s1), (s1, s2), (s2, s3)):
        _deliver_twice(on_task_written, written_event(task, before, after, params, _eid()), admin_db, org_ref)
    assert dump_tree(admin_db, org_ref) == settled

    # The old todo -> doing update arriving after done: counters are not rolled back.
    on_task_written(written_event(task, s1, s2, params, _eid()), db=admin_db)
    assert task_stats(admin_db, project) == (1, {"todo": 0, "doing": 0, "done": 1})
    assert dump_tree(admin_db, org_ref) == settled


def test_task_delete_replayed_does_not_decrement_twice(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org(roles=("owner",))
    project = seed_project(admin_db, org.org_id)
    keep = project.collection("tasks").document("keep")
    keep.set({"title": "stays", "status": "todo"})
    gone = project.collection("tasks").document("gone")
    last = _exact(gone, lambda: gone.set({"title": "goes", "status": "doing"}))
    converges(lambda: task_stats(admin_db, project), (2, {"todo": 1, "doing": 1, "done": 0}))
    gone.delete()
    converges(lambda: task_stats(admin_db, project), (1, {"todo": 1, "doing": 0, "done": 0}))

    event = written_event(gone, last, None, {"orgId": org.org_id, "projectId": "p1", "taskId": "gone"}, _eid())
    _deliver_twice(on_task_written, event, admin_db, admin_db.document(f"orgs/{org.org_id}"))
    assert task_stats(admin_db, project) == (1, {"todo": 1, "doing": 0, "done": 0})
    # The late create of the deleted task does not count it again either.
    on_task_written(
        written_event(gone, None, last, {"orgId": org.org_id, "projectId": "p1", "taskId": "gone"}, _eid()), db=admin_db
    )
    assert task_stats(admin_db, project) == (1, {"todo": 1, "doing": 0, "done": 0})


def test_comment_events_replayed_change_nothing(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org(roles=("owner",))
    org_ref = admin_db.document(f"orgs/{org.org_id}")
    project = seed_project(admin_db, org.org_id)
    task = project.collection("tasks").document("t")
    task.set({"title": "x", "status": "todo"})
    comment = task.collection("comments").document("c")
    c1 = _exact(comment, lambda: comment.set({"body": "hi", "authorUid": org["owner"].uid}))
    converges(lambda: value(task, "commentCount"), 1)
    params = {"orgId": org.org_id, "projectId": "p1", "taskId": "t", "commentId": "c"}
    _deliver_twice(on_comment_written, written_event(comment, None, c1, params, _eid()), admin_db, org_ref)
    assert value(task, "commentCount") == 1

    comment.delete()
    converges(lambda: value(task, "commentCount"), 0)
    _deliver_twice(on_comment_written, written_event(comment, c1, None, params, _eid()), admin_db, org_ref)
    assert value(task, "commentCount") == 0


def test_project_member_and_org_events_replayed_change_nothing(
    admin_db: Client, make_org: Callable[..., SeededOrg]
) -> None:
    org = make_org(roles=("owner", "viewer"))
    org_ref = admin_db.document(f"orgs/{org.org_id}")
    project = org_ref.collection("projects").document("p")
    p1 = _exact(project, lambda: project.set({"name": "P", "archived": False}))

    def counts() -> tuple[Any, Any]:
        s = stats(admin_db, org_ref.path)
        return s.get("memberCount"), s.get("projectCount")

    converges(counts, (2, 1))
    viewer = org["viewer"].uid
    converges(
        lambda: (admin_db.document(f"users/{viewer}").get().to_dict() or {}).get("orgs"),
        {org.org_id: {"role": "viewer", "name": "Acme"}},
    )
    user_ref = admin_db.document(f"users/{viewer}")

    _deliver_twice(
        on_project_written,
        written_event(project, None, p1, {"orgId": org.org_id, "projectId": "p"}, _eid()),
        admin_db,
        org_ref,
    )
    member = org_ref.collection("members").document(viewer)
    m1 = member.get()
    _deliver_twice(
        on_member_written,
        written_event(member, None, m1, {"orgId": org.org_id, "uid": viewer}, _eid()),
        admin_db,
        org_ref,
        user_ref,
    )
    o1 = org_ref.get()
    _deliver_twice(
        on_org_written, written_event(org_ref, None, o1, {"orgId": org.org_id}, _eid()), admin_db, org_ref, user_ref
    )
    u1 = user_ref.get()
    _deliver_twice(
        on_user_written, written_event(user_ref, None, u1, {"uid": viewer}, _eid()), admin_db, org_ref, user_ref
    )
    assert counts() == (2, 1)

    # An old role event after a newer one: users.orgs keeps the current role.
    m2 = _exact(member, lambda: member.update({"role": "member"}))
    converges(lambda: value(user_ref, f"orgs.{org.org_id}.role"), "member")
    on_member_written(written_event(member, m2, m1, {"orgId": org.org_id, "uid": viewer}, _eid()), db=admin_db)
    assert value(user_ref, "orgs")[org.org_id] == {"role": "member", "name": "Acme"}
    assert counts() == (2, 1)


def test_old_rename_event_after_newer_keeps_newest_name(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org(roles=("owner", "member"))
    uid = org["member"].uid
    project = seed_project(admin_db, org.org_id)
    task = project.collection("tasks").document("t")
    task.set({"title": "x", "status": "todo", "assigneeUid": uid})
    user = admin_db.document(f"users/{uid}")
    converges(lambda: value(user, "orgs"), {org.org_id: {"role": "member", "name": "Acme"}})
    u0 = user.get()
    u1 = _exact(user, lambda: user.update({"displayName": "First"}))
    user.update({"displayName": "Second"})
    converges(lambda: value(task, "assignee"), {"uid": uid, "displayName": "Second"})
    member = admin_db.document(f"orgs/{org.org_id}/members/{uid}")
    converges(lambda: value(member, "displayName"), "Second")

    on_user_written(written_event(user, u0, u1, {"uid": uid}, _eid()), db=admin_db)
    assert value(task, "assignee") == {"uid": uid, "displayName": "Second"}
    assert value(member, "displayName") == "Second"


def test_task_handler_replay_of_assignment_is_a_no_op(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org(roles=("owner", "member"))
    project = seed_project(admin_db, org.org_id)
    task = project.collection("tasks").document("t")
    t1 = _exact(task, lambda: task.set({"title": "x", "status": "todo"}))
    t2 = _exact(task, lambda: task.update({"assigneeUid": org["member"].uid}))
    want = {"uid": org["member"].uid, "displayName": "Member of Acme"}
    converges(lambda: value(task, "assignee"), want)
    org_ref = admin_db.document(f"orgs/{org.org_id}")
    converges(lambda: sum(d.get("type") == "task.assigned" for d in org_ref.collection("activity").stream()), 1)
    settled = dump_tree(admin_db, org_ref)
    _deliver_twice(
        on_task_written,
        written_event(task, t1, t2, {"orgId": org.org_id, "projectId": "p1", "taskId": "t"}, _eid()),
        admin_db,
        org_ref,
    )
    assert dump_tree(admin_db, org_ref) == settled

"""Every derived-state function, fed an event twice or late, changes nothing the second time.

The functions of `functions/main.py` run in-process through the SDK's own wrapper
(`firebrick_testing.invoke`), on events encoded as production sends them and built
from the document versions actually written: the first delivery of each is the one
production would make, then the same event again (redelivery), the same change
under a new event id (a duplicate the event ledger cannot recognise, so the
state-based counters must), and old changes after new ones.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import main

from firebrick_testing import FirestoreEvent, deliver, deliver_out_of_order, deliver_twice, firestore_event
from tests.support.orgs import SeededOrg
from tests.triggers.support import deliver_write, dump_tree, seed_project, seed_task, stats, task_stats, value

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, DocumentSnapshot


def _exact(ref: DocumentReference, write: Callable[[], Any]) -> DocumentSnapshot:
    """Make a write and read back exactly the version it produced."""
    result = write()
    snap = ref.get()
    assert snap.update_time == result.update_time, "another writer touched the doc in between"
    return snap


def _anew(event: FirestoreEvent) -> FirestoreEvent:
    """The same change under another event id: a duplicate the event ledger has never seen."""
    return replace(event, id=f"dup-{uuid.uuid4().hex}")


def _changes_nothing(
    db: Client, function: Callable[..., Any], event: FirestoreEvent, *roots: DocumentReference
) -> None:
    """Deliver `event` twice and once more under a new id; nothing below `roots` moves."""
    before = [dump_tree(db, r) for r in roots]
    twice = deliver_twice(function, event, observe=lambda: [dump_tree(db, r) for r in roots])
    assert list(twice.observed) == [before, before]
    deliver(function, _anew(event))
    assert [dump_tree(db, r) for r in roots] == before


def test_task_events_replayed_or_late_change_nothing(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org(roles=("owner",))
    org_ref = admin_db.document(f"orgs/{org.org_id}")
    project = seed_project(admin_db, org.org_id)
    task = project.collection("tasks").document("t")
    s1 = _exact(task, lambda: task.set({"title": "Ship", "status": "todo", "createdBy": org["owner"].uid}))
    s2 = _exact(task, lambda: task.update({"status": "doing"}))
    s3 = _exact(task, lambda: task.update({"status": "done"}))
    created = firestore_event(task.path, None, s1)
    started = firestore_event(task.path, s1, s2)
    finished = firestore_event(task.path, s2, s3)
    deliver(main.derive_task, created, started, finished)
    assert task_stats(admin_db, project) == (1, {"todo": 0, "doing": 0, "done": 1})
    assert sum(str(d.get("type")).startswith("task.") for d in org_ref.collection("activity").stream()) == 3

    for event in (created, started, finished):
        _changes_nothing(admin_db, main.derive_task, event, org_ref)
    # The todo -> doing update arriving after done: the counters are not rolled back.
    settled = dump_tree(admin_db, org_ref)
    deliver(main.derive_task, _anew(started))
    assert task_stats(admin_db, project) == (1, {"todo": 0, "doing": 0, "done": 1})
    assert dump_tree(admin_db, org_ref) == settled


def test_a_task_delete_overtaking_its_create_counts_nothing(
    admin_db: Client, make_org: Callable[..., SeededOrg]
) -> None:
    org = make_org(roles=("owner",))
    project = seed_project(admin_db, org.org_id)
    keep = project.collection("tasks").document("keep")
    kept = _exact(keep, lambda: keep.set({"title": "stays", "status": "todo"}))
    deliver(main.derive_task, firestore_event(keep.path, None, kept))
    gone = project.collection("tasks").document("gone")
    last = _exact(gone, lambda: gone.set({"title": "goes", "status": "doing"}))
    gone.delete()
    created = firestore_event(gone.path, None, last)
    deleted = created.then(None)
    outcome = deliver_out_of_order(main.derive_task, created, deleted, observe=lambda: task_stats(admin_db, project))
    assert outcome.final == (1, {"todo": 1, "doing": 0, "done": 0})
    _changes_nothing(admin_db, main.derive_task, deleted, admin_db.document(f"orgs/{org.org_id}"))


def test_comment_events_replayed_change_nothing(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org(roles=("owner",))
    org_ref = admin_db.document(f"orgs/{org.org_id}")
    project = seed_project(admin_db, org.org_id)
    task = project.collection("tasks").document("t")
    task.set({"title": "x", "status": "todo"})
    comment = task.collection("comments").document("c")
    c1 = _exact(comment, lambda: comment.set({"body": "hi", "authorUid": org["owner"].uid}))
    written = firestore_event(comment.path, None, c1)
    deliver(main.derive_comment, written)
    assert value(task, "commentCount") == 1
    _changes_nothing(admin_db, main.derive_comment, written, org_ref)

    comment.delete()
    removed = written.then(None)
    deliver(main.derive_comment, removed)
    assert value(task, "commentCount") == 0
    _changes_nothing(admin_db, main.derive_comment, removed, org_ref)


def test_project_member_org_and_user_events_replayed_change_nothing(
    admin_db: Client, make_org: Callable[..., SeededOrg]
) -> None:
    org = make_org(roles=("owner", "viewer"))
    org_ref = admin_db.document(f"orgs/{org.org_id}")
    viewer = org["viewer"].uid
    user_ref = admin_db.document(f"users/{viewer}")
    member = org_ref.collection("members").document(viewer)
    project = org_ref.collection("projects").document("p")
    p1 = _exact(project, lambda: project.set({"name": "P", "archived": False}))
    events = [
        (main.derive_org, firestore_event(org_ref.path, None, org_ref.get())),
        (main.derive_member, firestore_event(member.path, None, member.get())),
        (main.derive_project, firestore_event(project.path, None, p1)),
        (main.derive_user, firestore_event(user_ref.path, None, user_ref.get())),
    ]
    for function, event in events:
        deliver(function, event)

    def counts() -> tuple[Any, Any]:
        s = stats(admin_db, org_ref.path)
        return s.get("memberCount"), s.get("projectCount")

    assert counts() == (2, 1)
    assert value(user_ref, "orgs") == {org.org_id: {"role": "viewer", "name": "Acme"}}
    for function, event in events:
        _changes_nothing(admin_db, function, event, org_ref, user_ref)

    # An old role event after a newer one: users.orgs keeps the current role.
    m1 = member.get()
    m2 = _exact(member, lambda: member.update({"role": "member"}))
    deliver(main.derive_member, firestore_event(member.path, m1, m2), firestore_event(member.path, m2, m1))
    assert value(user_ref, "orgs")[org.org_id] == {"role": "member", "name": "Acme"}
    assert counts() == (2, 1)


def test_an_old_rename_after_a_newer_one_keeps_the_newest_name(
    admin_db: Client, make_org: Callable[..., SeededOrg]
) -> None:
    org = make_org(roles=("owner", "member"))
    uid = org["member"].uid
    project = seed_project(admin_db, org.org_id)
    task = project.collection("tasks").document("t")
    assigned = _exact(task, lambda: task.set({"title": "x", "status": "todo", "assigneeUid": uid}))
    deliver(main.derive_task, firestore_event(task.path, None, assigned))
    user = admin_db.document(f"users/{uid}")
    u0 = user.get()
    u1 = _exact(user, lambda: user.update({"displayName": "First"}))
    u2 = _exact(user, lambda: user.update({"displayName": "Second"}))
    first, second = firestore_event(user.path, u0, u1), firestore_event(user.path, u1, u2)
    deliver_out_of_order(main.derive_user, first, second)
    member = admin_db.document(f"orgs/{org.org_id}/members/{uid}")
    assert value(task, "assignee") == {"uid": uid, "displayName": "Second"}
    assert value(member, "displayName") == "Second"


def test_a_replayed_assignment_is_a_no_op(admin_db: Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org(roles=("owner", "member"))
    project = seed_project(admin_db, org.org_id)
    task = project.collection("tasks").document("t")
    t1 = _exact(task, lambda: task.set({"title": "x", "status": "todo"}))
    t2 = _exact(task, lambda: task.update({"assigneeUid": org["member"].uid}))
    created = firestore_event(task.path, None, t1)
    assigned = firestore_event(task.path, t1, t2)
    deliver(main.derive_task, created, assigned)
    assert value(task, "assignee") == {"uid": org["member"].uid, "displayName": "Member of Acme"}
    org_ref = admin_db.document(f"orgs/{org.org_id}")
    assert sum(d.get("type") == "task.assigned" for d in org_ref.collection("activity").stream()) == 1
    _changes_nothing(admin_db, main.derive_task, assigned, org_ref)


def test_a_lost_create_is_repaired_by_the_next_change_to_that_task(
    admin_db: Client, make_org: Callable[..., SeededOrg]
) -> None:
    org = make_org(roles=("owner",))
    project = seed_project(admin_db, org.org_id)
    deliver_write(project)
    deliver_write(seed_task(admin_db, project, "seen"))
    assert task_stats(admin_db, project) == (1, {"todo": 1, "doing": 0, "done": 0})
    lost = seed_task(admin_db, project, "lost")  # its create event is never delivered

    before = lost.get()
    lost.update({"status": "doing"})
    deliver_write(lost, before)  # the update's event counts the task as it is now, once
    assert task_stats(admin_db, project) == (2, {"todo": 1, "doing": 1, "done": 0})

"""What the reliability battery shares: its scale, racing clients, settling triggers, the invariants.

The battery is bounded: `FIREBRICK_BATTERY_SCALE` (an integer, default 1) multiplies
its clients, rounds and cases, never its waits. Derived state settles by delivering
the deployed triggers in-process (`tests/triggers/support.py`), concurrently, every
event twice and in shuffled order, as at-least-once, unordered delivery may.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from firebrick import paths
from firebrick_testing import document_params, firestore_event, invoke
from tests.triggers.support import deployed_triggers, dump_tree

if TYPE_CHECKING:
    from google.cloud.firestore import Client

    from firebrick_testing.events import FirestoreEvent


def scale() -> int:
    """`FIREBRICK_BATTERY_SCALE`: how many times bigger the battery runs (default 1)."""
    value = int(os.environ.get("FIREBRICK_BATTERY_SCALE", "1"))
    if value < 1:
        raise ValueError(f"FIREBRICK_BATTERY_SCALE must be a positive integer, not {value}")
    return value


def all_documents(db: Client) -> dict[str, Any]:
    """Every document in the database, path -> data (to prove a request wrote nothing)."""
    out: dict[str, Any] = {}
    for collection in db.collections():
        for doc in collection.list_documents():
            out.update(dump_tree(db, doc))
    return out


def settle(db: Client, org_ids: Iterable[str], deleted: dict[str, dict[str, Any]], *, seed: int = 0) -> int:
    """Deliver the triggers for the orgs' documents as they are now, and for the `deleted` paths.

    Each existing document is delivered as a create, each deleted one (path -> its
    last data) as a delete; the events go out twice each, shuffled, from a pool of
    threads. Returns how many deliveries ran.
    """
    events: list[FirestoreEvent] = []
    for org_id in org_ids:
        for path in dump_tree(db, db.document(paths.org(org_id))):
            events.append(firestore_event(path, None, db.document(path).get()))
    events += [firestore_event(path, before, None) for path, before in deleted.items()]
    deliveries = [(fn, event) for event in events for pattern, fn in deployed_triggers() if _matches(pattern, event)]
    deliveries *= 2
    random.Random(seed).shuffle(deliveries)
    with ThreadPoolExecutor(4) as pool:
        for done in [pool.submit(invoke, fn, event) for fn, event in deliveries]:
            done.result()
    return len(deliveries)


def _matches(pattern: str, event: FirestoreEvent) -> bool:
    return document_params(pattern, event.document) is not None


def _count(db: Client, path: str) -> int:
    return sum(1 for _ in db.collection(path).select([]).stream())


def _stats(db: Client, path: str) -> dict[str, Any]:
    return (db.document(path).get().to_dict() or {}).get("stats") or {}


def invariant_violations(db: Client, org_ids: Iterable[str]) -> list[str]:
    """Everything that is wrong with the orgs' state: derived counts, orphans, owners, claims.

    Counts are recomputed here from the source documents, independently of reconcile,
    and reconcile must then find nothing to correct either.
    """
    from firebase_admin import auth

    from firebrick.clients import firebase_app
    from firebrick.services.members import memberships_of
    from firebrick.services.reconcile import reconcile_all, reconcile_org

    wrong: list[str] = []
    uids: set[str] = set()
    for org_id in org_ids:
        org = paths.org(org_id)
        members = {s.id: (s.to_dict() or {}).get("role") for s in db.collection(paths.members(org_id)).stream()}
        uids |= set(members)
        if "owner" not in members.values():
            wrong.append(f"{org} has no owner: {members}")
        projects = [s.reference for s in db.collection(f"{org}/projects").stream()]
        have = _stats(db, org)  # a count never written reads as 0, as clients read it
        want = {"memberCount": len(members), "projectCount": len(projects)}
        if {k: have.get(k, 0) for k in want} != want:
            wrong.append(f"{org} stats {have} != {want}")
        for project in projects:
            tasks = list(project.collection("tasks").stream())
            by_status = {s: sum(1 for t in tasks if t.get("status") == s) for s in ("todo", "doing", "done")}
            have = _stats(db, project.path)
            counted = (have.get("taskCount", 0), {s: (have.get("byStatus") or {}).get(s, 0) for s in by_status})
            if counted != (len(tasks), by_status):
                wrong.append(f"{project.path} stats {have} != {len(tasks)} tasks, {by_status}")
            for task in tasks:
                comments = _count(db, f"{task.reference.path}/comments")
                if (task.to_dict() or {}).get("commentCount", 0) != comments:
                    wrong.append(f"{task.reference.path} commentCount {task.get('commentCount')} != {comments}")
        for path in dump_tree(db, db.document(org)):
            parent = path.rsplit("/", 2)[0]
            if "/" in parent and not db.document(parent).get().exists:
                wrong.append(f"orphan {path}: {parent} is gone")
        corrections = reconcile_org(db, org_id).corrections
        wrong += [f"reconcile corrected {c.path} {c.field}: {c.was} -> {c.now}" for c in corrections]
    wrong += [f"orphaned org subtree {path}" for path in reconcile_all(db).orphans]
    for uid in uids:
        try:
            claims = auth.get_user(uid, app=firebase_app()).custom_claims or {}
        except auth.UserNotFoundError:
            continue  # a membership document written for a principal without an Auth user
        want_roles = {org_id: int(role) for org_id, role in memberships_of(db, uid).items() if role is not None}
        if (claims.get("o") or {}) != want_roles:
            wrong.append(f"claims of {uid}: {claims.get('o')} != memberships {want_roles}")
    return wrong

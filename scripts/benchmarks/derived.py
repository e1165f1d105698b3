"""Derived state: convergence lag and cascades through the Functions emulator, and billed ops per trigger delivery."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from scripts.benchmarks.core import Row, summarize, wait_until
from scripts.benchmarks.latency import World


def _stats(ref: Any) -> dict[str, Any]:
    return dict((ref.get().to_dict() or {}).get("stats") or {})


def _seed(db: Any, org_id: str) -> tuple[Any, str]:
    """An org with its owner's profile and membership, and a project: derived state has somewhere to go."""
    now = datetime.now(UTC)
    uid = f"u{uuid.uuid4().hex[:10]}"
    db.document(f"users/{uid}").set({"displayName": "Bench User", "email": f"{uid}@example.com"})
    db.document(f"orgs/{org_id}").set({"name": "Bench", "createdAt": now, "createdBy": uid})
    db.document(f"orgs/{org_id}/members/{uid}").set({"role": "owner", "displayName": "Bench User", "joinedAt": now})
    project = db.document(f"orgs/{org_id}/projects/p")
    project.set({"name": "P", "description": "", "archived": False})
    return project, uid


def bench_lag(db: Any, samples: int) -> list[Row]:
    """Source write -> derived value visible (polled every 10 ms), through the Functions emulator, warm workers."""
    project, uid = _seed(db, f"lag{uuid.uuid4().hex[:8]}")
    lags: dict[str, list[float]] = {
        "task create -> stats.taskCount": [],
        "status move -> stats.byStatus": [],
        "comment -> task.commentCount": [],
        "assign -> task.assignee": [],
    }
    for i in range(samples + 1):  # the first round warms each trigger's worker and is dropped
        into = lags if i else {name: [] for name in lags}
        task = project.collection("tasks").document(f"t{i}")
        task.set({"title": f"t{i}", "status": "todo"})
        into["task create -> stats.taskCount"].append(wait_until(lambda i=i: _stats(project).get("taskCount") == i + 1))
        task.update({"status": "done"})
        into["status move -> stats.byStatus"].append(
            wait_until(lambda i=i: _stats(project).get("byStatus", {}).get("done") == i + 1)
        )
        task.collection("comments").document("c").set({"body": "hi", "authorUid": uid})
        into["comment -> task.commentCount"].append(
            wait_until(lambda task=task: (task.get().to_dict() or {}).get("commentCount") == 1)
        )
        task.update({"assigneeUid": uid})
        into["assign -> task.assignee"].append(
            wait_until(lambda task=task: ((task.get().to_dict() or {}).get("assignee") or {}).get("uid") == uid)
        )
    return [
        summarize(Row(f"derived lag: {name}", "ms", note="write -> derived value visible"), [s * 1000 for s in values])
        for name, values in lags.items()
    ]


def _gone(db: Any, root: Any) -> bool:
    """Nothing left at or below `root` (the cascade finished)."""
    if root.get().exists:
        return False
    return all(not list(c.limit(1).stream()) for c in root.collections())


def bench_cascades(db: Any, samples: int) -> list[Row]:
    """Delete a task with 10 comments / a project with 50 tasks: ms until nothing is left and the counters moved."""
    task_ms, project_ms = [], []
    for _ in range(samples):
        project, _uid = _seed(db, f"cas{uuid.uuid4().hex[:8]}")
        org = project.parent.parent
        task = project.collection("tasks").document("t")
        task.set({"title": "t", "status": "todo"})
        batch = db.batch()
        for i in range(10):
            batch.set(task.collection("comments").document(f"c{i}"), {"body": "x"})
        batch.commit()
        wait_until(lambda task=task: (task.get().to_dict() or {}).get("commentCount") == 10)
        started = time.perf_counter()
        task.delete()
        wait_until(lambda task=task, project=project: _gone(db, task) and _stats(project).get("taskCount") == 0)
        task_ms.append((time.perf_counter() - started) * 1000)

        batch = db.batch()
        doomed = org.collection("projects").document("big")
        doomed.set({"name": "big", "archived": False})
        for i in range(50):
            batch.set(doomed.collection("tasks").document(f"t{i}"), {"title": "x", "status": "todo"})
        batch.commit()
        wait_until(lambda doomed=doomed: _stats(doomed).get("taskCount") == 50)
        wait_until(lambda org=org: _stats(org).get("projectCount") == 2)
        started = time.perf_counter()
        doomed.delete()
        wait_until(lambda doomed=doomed, org=org: _gone(db, doomed) and _stats(org).get("projectCount") == 1)
        project_ms.append((time.perf_counter() - started) * 1000)
    note = "delete -> subtree gone and the parent's counter moved (Functions emulator)"
    return [
        summarize(Row("cascade delete: task with 10 comments", "ms", goal="< 5000 ms", note=note), task_ms),
        summarize(Row("cascade delete: project with 50 tasks", "ms", goal="< 5000 ms", note=note), project_ms),
    ]


def bench_claims_lag(world: World, samples: int) -> list[Row]:
    """Role change through the API -> the user's custom claims carry the new role."""
    from firebase_admin import auth

    from firebrick.clients import firebase_app

    app = firebase_app()
    org_id, target = world.org.org_id, world.org["viewer"]
    values = []
    with httpx.Client(timeout=60, headers=world.org["owner"].headers) as client:
        for i in range(samples + 1):  # the first change warms the trigger's worker and is dropped
            role, number = ("member", 2) if i % 2 == 0 else ("viewer", 1)
            started = time.perf_counter()
            response = client.patch(f"{world.base}/members/{target.uid}", json={"role": role})
            if response.status_code != 200:
                raise RuntimeError(f"role change -> {response.status_code}")
            wait_until(
                lambda n=number: (auth.get_user(target.uid, app=app).custom_claims or {}).get("o", {}).get(org_id) == n
            )
            if i:
                values.append((time.perf_counter() - started) * 1000)
    row = Row(
        "claims-sync lag: PATCH member role -> new role in custom claims",
        "ms",
        goal="< 5000 ms",
        note="includes the PATCH; warm worker",
    )
    return [summarize(row, values)]


def bench_trigger_costs(db: Any, samples: int) -> list[Row]:
    """Billed ops per delivery of each deployed trigger (in-process through the SDK), first and duplicate delivery.

    Background triggers are paused meanwhile, so only the in-process deliveries count.
    """
    import main

    from firebrick.opcount import OpCounter, current_counter
    from firebrick_testing import firestore_event, invoke, storage_event, triggers_disabled

    def counted(function: Callable[..., Any], event: Any) -> tuple[int, int]:
        counter = OpCounter()
        token = current_counter.set(counter)
        try:
            invoke(function, event)
        finally:
            current_counter.reset(token)
        return counter.reads, counter.writes

    rows = []
    with triggers_disabled():
        project, uid = _seed(db, f"cost{uuid.uuid4().hex[:8]}")
        org = project.parent.parent
        invoke(main.derive_org, firestore_event(org.path, None, org.get()))
        invoke(main.derive_project, firestore_event(project.path, None, project.get()))

        def task_create(i: int) -> tuple[Callable[..., Any], Any]:
            ref = project.collection("tasks").document(f"t{i}")
            ref.set({"title": "x", "status": "todo", "assigneeUid": uid})
            return main.derive_task, firestore_event(ref.path, None, ref.get())

        def task_move(i: int) -> tuple[Callable[..., Any], Any]:
            ref = project.collection("tasks").document(f"t{i}")
            before = ref.get()
            ref.update({"status": "doing"})
            return main.derive_task, firestore_event(ref.path, before, ref.get())

        def comment_create(i: int) -> tuple[Callable[..., Any], Any]:
            ref = project.collection("tasks").document(f"t{i}").collection("comments").document("c")
            ref.set({"body": "hi", "authorUid": uid})
            return main.derive_comment, firestore_event(ref.path, None, ref.get())

        def project_create(i: int) -> tuple[Callable[..., Any], Any]:
            ref = org.collection("projects").document(f"q{i}")
            ref.set({"name": f"q{i}", "archived": False})
            return main.derive_project, firestore_event(ref.path, None, ref.get())

        def member_join(i: int) -> tuple[Callable[..., Any], Any]:
            db.document(f"users/m{i}").set({"displayName": f"m{i}"})
            ref = org.collection("members").document(f"m{i}")
            ref.set({"role": "member", "displayName": f"m{i}"})
            return main.derive_member, firestore_event(ref.path, None, ref.get())

        def upload(i: int) -> tuple[Callable[..., Any], Any]:
            name = f"{project.path}/tasks/t{i}/attachments/f.png"
            return main.derive_attachment_finalized, storage_event(name, size=1000, type="finalized")

        cases: list[tuple[str, Callable[[int], tuple[Callable[..., Any], Any]]]] = [
            ("derive_task: create (assigned)", task_create),
            ("derive_task: status move", task_move),
            ("derive_comment: create", comment_create),
            ("derive_project: create", project_create),
            ("derive_member: join", member_join),
            ("derive_attachment_finalized", upload),
        ]
        for name, make in cases:
            first, again = [], []
            for i in range(samples):
                function, event = make(i)
                first.append(counted(function, event))
                again.append(counted(function, event))
            n = float(samples)
            reads, writes = sum(r for r, _ in first) / n, sum(w for _, w in first) / n
            rows.append(
                Row(
                    f"trigger delivery ops: {name}",
                    "reads",
                    median=reads,
                    note=f"writes {writes:.1f}; duplicate delivery: {sum(r for r, _ in again) / n:.1f} reads, "
                    f"{sum(w for _, w in again) / n:.1f} writes",
                    extra={"reads": reads, "writes": writes, "replay_writes": sum(w for _, w in again) / n},
                )
            )
    return rows

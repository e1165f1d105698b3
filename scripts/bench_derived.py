#!/usr/bin/env python3
"""Benchmark derived state: convergence lag and Firestore operations per trigger.

    FIREBRICK_PORT_OFFSET=400 scripts/bench_derived.py [--samples 30]

Starts the emulators (auth, firestore, functions) unless FIREBASE_EMULATOR_HUB is
already set, then:
  1. lag: writes a source doc and polls (every 10 ms) until its derived effect is
     visible; prints p50/p95 per kind of change. Measured through the Functions
     emulator, so it includes emulator dispatch and Python worker start-up.
  2. cost: with background triggers paused, writes source docs and runs each
     handler in-process, counting billed reads and writes per delivery with the
     shared gRPC op counter (firebrick.opcount: an empty query costs one read);
     then a duplicate delivery of the same event.
Not a test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _relaunch_under_emulators() -> int:
    """Re-run this script inside `firebase emulators:exec` (same setup as scripts/test)."""
    args = " ".join(f"'{a}'" for a in sys.argv[1:])
    inner = f"{ROOT}/.venv/bin/python {ROOT}/scripts/bench_derived.py {args}"
    script = (
        f'source "{ROOT}/scripts/lib/setup.sh"; setup_all; cd "{ROOT}"; '
        f'in_own_session firebase "${{FIREBASE_CONFIG_ARGS[@]}}" emulators:exec --project "$PROJECT_ID" '
        f'--only auth,firestore,functions "{inner}"'
    )
    return subprocess.call(["bash", "-c", script])


@dataclass
class Ops:
    reads: int = 0
    writes: int = 0


def _counting() -> Any:
    """Count billed ops of the in-process handlers with the shared gRPC counter (firebrick.opcount)."""
    from firebrick.opcount import OpCounter, current_counter

    counter = OpCounter()
    current_counter.set(counter)
    return counter


def _wait(check: Callable[[], bool], timeout: float = 60.0) -> float:
    start = time.perf_counter()
    while not check():
        if time.perf_counter() - start > timeout:
            raise TimeoutError("derived effect did not appear")
        time.sleep(0.01)
    return time.perf_counter() - start


def _seed(db: Any, org_id: str) -> tuple[Any, str]:
    now = datetime.now(UTC)
    uid = f"u{uuid.uuid4().hex[:10]}"
    db.document(f"users/{uid}").set({"displayName": "Bench User", "email": f"{uid}@example.com"})
    db.document(f"orgs/{org_id}").set({"name": "Bench", "createdAt": now, "createdBy": uid})
    db.document(f"orgs/{org_id}/members/{uid}").set({"role": "owner", "displayName": "Bench User", "joinedAt": now})
    project = db.document(f"orgs/{org_id}/projects/p")
    project.set({"name": "P", "description": "", "archived": False})
    return project, uid


def measure_lag(db: Any, samples: int) -> dict[str, list[float]]:
    from scripts.lib.stats import percentile

    project, uid = _seed(db, f"lag{uuid.uuid4().hex[:8]}")
    lags: dict[str, list[float]] = {
        "task create -> stats.taskCount": [],
        "status move -> stats.byStatus": [],
        "comment -> task.commentCount": [],
        "assign -> task.assignee": [],
    }
    for i in range(samples):
        task = project.collection("tasks").document(f"t{i}")
        task.set({"title": f"t{i}", "status": "todo"})
        lags["task create -> stats.taskCount"].append(
            _wait(lambda i=i: (project.get().to_dict() or {}).get("stats", {}).get("taskCount") == i + 1)
        )
        task.update({"status": "done"})
        lags["status move -> stats.byStatus"].append(
            _wait(lambda i=i: (project.get().to_dict() or {}).get("stats", {}).get("byStatus", {}).get("done") == i + 1)
        )
        task.collection("comments").document("c").set({"body": "hi", "authorUid": uid})
        lags["comment -> task.commentCount"].append(
            _wait(lambda task=task: (task.get().to_dict() or {}).get("commentCount") == 1)
        )
        task.update({"assigneeUid": uid})
        lags["assign -> task.assignee"].append(
            _wait(lambda task=task: ((task.get().to_dict() or {}).get("assignee") or {}).get("uid") == uid)
        )
    print(f"\nConvergence lag through the Functions emulator ({samples} samples each)")
    print(f"{'change -> derived effect':40} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, values in lags.items():
        ms = [v * 1000 for v in values]
        print(f"{name:40} {statistics.median(ms):8.0f} {percentile(ms, 0.95):8.0f} {max(ms):8.0f}")
    return lags


@contextmanager
def _triggers_paused() -> Iterator[None]:
    import httpx

    hub = os.environ["FIREBASE_EMULATOR_HUB"]
    httpx.put(f"http://{hub}/functions/disableBackgroundTriggers", timeout=30).raise_for_status()
    try:
        yield
    finally:
        httpx.put(f"http://{hub}/functions/enableBackgroundTriggers", timeout=30).raise_for_status()


def measure_cost(db: Any, samples: int) -> None:
    """Billed ops per delivery of each deployed trigger, run in-process through the SDK (toolkit `invoke`)."""
    import main

    from firebrick_testing import firestore_event, invoke, storage_event

    rows: list[tuple[str, float, float, float, float]] = []

    def run(name: str, make: Callable[[int], tuple[Callable[..., Any], Any]]) -> None:
        first, again = Ops(), Ops()
        for i in range(samples):
            function, event = make(i)
            for bucket in (first, again):
                counter = _counting()
                invoke(function, event)
                bucket.reads += counter.reads
                bucket.writes += counter.writes
        n = float(samples)
        rows.append((name, first.reads / n, first.writes / n, again.reads / n, again.writes / n))

    org_id = f"cost{uuid.uuid4().hex[:8]}"
    with _triggers_paused():
        project, uid = _seed(db, org_id)
        org = db.document(f"orgs/{org_id}")
        invoke(main.derive_org, firestore_event(org.path, None, org.get()))
        invoke(main.derive_project, firestore_event(project.path, None, project.get()))

        def written(function: Callable[..., Any], ref: Any, before: Any) -> tuple[Callable[..., Any], Any]:
            return function, firestore_event(ref.path, before, ref.get())

        def task_create(i: int) -> tuple[Callable[..., Any], Any]:
            ref = project.collection("tasks").document(f"t{i}")
            ref.set({"title": "x", "status": "todo", "assigneeUid": uid})
            return written(main.derive_task, ref, None)

        def task_move(i: int) -> tuple[Callable[..., Any], Any]:
            ref = project.collection("tasks").document(f"t{i}")
            before = ref.get()
            ref.update({"status": "doing"})
            return written(main.derive_task, ref, before)

        def comment_create(i: int) -> tuple[Callable[..., Any], Any]:
            ref = project.collection("tasks").document(f"t{i}").collection("comments").document("c")
            ref.set({"body": "hi", "authorUid": uid})
            return written(main.derive_comment, ref, None)

        def project_create(i: int) -> tuple[Callable[..., Any], Any]:
            ref = org.collection("projects").document(f"q{i}")
            ref.set({"name": f"q{i}", "archived": False})
            return written(main.derive_project, ref, None)

        def member_join(i: int) -> tuple[Callable[..., Any], Any]:
            m = f"m{i}"
            db.document(f"users/{m}").set({"displayName": m})
            ref = org.collection("members").document(m)
            ref.set({"role": "member", "displayName": m})
            return written(main.derive_member, ref, None)

        def user_rename(i: int) -> tuple[Callable[..., Any], Any]:
            ref = db.document(f"users/{uid}")
            before = ref.get()
            ref.update({"displayName": f"Bench {i}"})
            return written(main.derive_user, ref, before)

        def upload(i: int) -> tuple[Callable[..., Any], Any]:
            name = f"orgs/{org_id}/projects/p/tasks/t{i}/attachments/f.png"
            return main.derive_attachment_finalized, storage_event(name, size=1000, type="finalized")

        run("derive_task (create, assigned)", task_create)
        run("derive_task (status move)", task_move)
        run("derive_comment (create)", comment_create)
        run("derive_project (create)", project_create)
        run("derive_member (join)", member_join)
        run(f"derive_user (rename, {samples} tasks)", user_rename)
        run("derive_attachment_finalized", upload)

    print(f"\nFirestore operations per delivery (mean of {samples}; project has 10 task shards)")
    print(f"{'handler':36} {'reads':>7} {'writes':>7} | {'replay reads':>12} {'replay writes':>13}")
    for name, r, w, rr, rw in rows:
        print(f"{name:36} {r:7.1f} {w:7.1f} | {rr:12.1f} {rw:13.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=30)
    args = parser.parse_args()
    if not os.environ.get("FIREBASE_EMULATOR_HUB"):
        return _relaunch_under_emulators()
    sys.path[:0] = [str(ROOT / "functions"), str(ROOT)]
    os.environ["FIREBRICK_COUNT_FIRESTORE_OPS"] = "1"
    from firebrick.clients import firestore_client

    db = firestore_client()
    measure_lag(db, args.samples)
    measure_cost(db, args.samples)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A bounded load run: many writers on one project's tasks, through the Functions emulator."""

from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from scripts.benchmarks.core import Row, wait_until
from scripts.benchmarks.latency import World, plain_client
from scripts.lib.stats import percentile
from tests.support.auth import AuthEmulator, AuthUser
from tests.support.orgs import add_member

#: Answers a client retries (after Retry-After when given): rate limited, unavailable, conflict.
RETRIED = {409, 429, 503}


def bench_load(world: World, writers: int, per_writer: int) -> list[Row]:
    """`writers` members each create `per_writer` tasks at once; throughput, retries, and exact counters after."""
    from firebrick.policy import Role
    from firebrick.services.reconcile import reconcile_org

    db = plain_client()
    org_id = world.org.org_id
    auth = AuthEmulator(world.emulators.auth, world.emulators.project_id)
    users: list[AuthUser] = []
    for _ in range(writers):
        user = auth.create_user(claims={"o": {org_id: int(Role.member)}})
        add_member(db, org_id, user.uid, "member")
        users.append(user)
    project = world.org["admin"]
    with httpx.Client(timeout=60, headers=project.headers) as client:
        created = client.post(f"{world.base}/projects", json={"name": "Load"})
        created.raise_for_status()
    project_id = created.json()["id"]
    url = f"{world.base}/projects/{project_id}/tasks"
    project_ref = db.document(f"orgs/{org_id}/projects/{project_id}")

    def write(user: AuthUser, count: int) -> tuple[list[float], int, int]:
        latencies, retries, failures = [], 0, 0
        with httpx.Client(timeout=60, headers=user.headers) as client:
            for i in range(count):
                for _attempt in range(10):
                    started = time.perf_counter()
                    response = client.post(url, json={"title": f"load {i}"})
                    latencies.append((time.perf_counter() - started) * 1000)
                    if response.status_code == 201:
                        break
                    if response.status_code not in RETRIED:
                        failures += 1
                        break
                    retries += 1
                    time.sleep(float(response.headers.get("retry-after", "0.2")))
        return latencies, retries, failures

    with ThreadPoolExecutor(writers) as pool:  # one request each first: every worker is warm before timing
        list(pool.map(lambda user: write(user, 1), users))
        started = time.perf_counter()
        results = list(pool.map(lambda user: write(user, per_writer), users))
        elapsed = time.perf_counter() - started
    total = writers * (per_writer + 1)
    latencies = [ms for result in results for ms in result[0]]
    retries, failures = sum(r[1] for r in results), sum(r[2] for r in results)
    stats: dict[str, Any] = {}

    def counted() -> bool:
        stats.update((project_ref.get().to_dict() or {}).get("stats") or {})
        return stats.get("taskCount") == total - failures

    converged = wait_until(counted, timeout=300, every=0.05)
    corrections = [c for c in reconcile_org(db, org_id).corrections if project_id in c.path]
    exact = not corrections
    note = (
        f"{writers} writers x {per_writer} tasks: request p50 {statistics.median(latencies):.0f} ms, "
        f"p95 {percentile(latencies, 0.95):.0f} ms; {retries} retries, {failures} failures; "
        f"stats.taskCount exact {converged:.1f} s after the last write; reconcile of the project "
        + ("finds nothing to correct" if exact else f"corrects {[(c.path, c.field) for c in corrections]}")
    )
    row = Row(
        "load: task creates on one project (Functions emulator)",
        "tasks/s",
        median=writers * per_writer / elapsed,
        note=note,
    )
    row.extra = {"retries": retries, "failures": failures, "converged_s": converged, "exact": exact}
    return [row]

"""Warm latency through the Functions emulator: the API against a bare function plus the reads it cannot avoid."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from scripts.benchmarks.core import Row, alternate, summarize, timed
from tests.support.auth import AuthEmulator
from tests.support.emulators import Emulators
from tests.support.orgs import SeededOrg, seed_org


@dataclass
class World:
    """An org with a user per role, a project and a task, made through the API."""

    emulators: Emulators
    org: SeededOrg
    project_id: str
    task_id: str

    @property
    def base(self) -> str:
        return f"{self.emulators.api_base}/v1/orgs/{self.org.org_id}"

    @property
    def task_path(self) -> str:
        return f"/v1/orgs/{self.org.org_id}/projects/{self.project_id}/tasks/{self.task_id}"


def plain_client() -> Any:
    """A Firestore client without the op counter, for the direct-read floors."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import firestore

    return firestore.Client(project=_project_id(), credentials=AnonymousCredentials())  # type: ignore[no-untyped-call]


def _project_id() -> str:
    from firebrick.config import get_settings

    return get_settings().project_id


def make_world(emulators: Emulators) -> World:
    org = seed_org(plain_client(), AuthEmulator(emulators.auth, emulators.project_id), name="Bench")
    base = f"{emulators.api_base}/v1/orgs/{org.org_id}"
    with httpx.Client(timeout=60) as client:
        project = client.post(f"{base}/projects", json={"name": "Bench"}, headers=org["admin"].headers)
        project.raise_for_status()
        project_id = project.json()["id"]
        task = client.post(
            f"{base}/projects/{project_id}/tasks", json={"title": "Bench task"}, headers=org["member"].headers
        )
        task.raise_for_status()
    return World(emulators, org, project_id, task.json()["id"])


def timed_get(client: httpx.Client, url: str) -> float:
    return timed(lambda: client.get(url), 200)[0]


def bench_warm_health(emulators: Emulators, runs: int) -> list[Row]:
    floor_url = emulators.callable_url("bench_floor")
    health = f"{emulators.api_base}/v1/health"
    with httpx.Client(timeout=30) as client:
        for _ in range(5):  # warm both workers
            timed_get(client, floor_url)
            timed_get(client, health)
        floor, api = alternate(runs, lambda: timed_get(client, floor_url), lambda: timed_get(client, health))
    row = Row("warm GET /v1/health vs bare function (Functions emulator)", "ms", goal="ratio <= 1.5")
    return [summarize(row, api, floor)]


def direct_ms(operation: Callable[[], object], runs: int) -> list[float]:
    values = []
    for _ in range(runs):
        started = time.perf_counter()
        operation()
        values.append((time.perf_counter() - started) * 1000)
    return values


def bench_task_endpoints(world: World, runs: int) -> list[Row]:
    """Authenticated GET/POST of a task against the bare function plus the Firestore
    round trips the endpoint cannot avoid: one batch get of the membership and the task
    (or project); for POST also the write-budget commit (it must commit to learn the count)
    and the create."""
    from google.cloud import firestore

    db = plain_client()
    member = world.org["member"]
    org_path = f"orgs/{world.org.org_id}"
    project_path = f"{org_path}/projects/{world.project_id}"
    task_url = f"{world.emulators.api_base}{world.task_path}"
    tasks_url = f"{world.base}/projects/{world.project_id}/tasks"
    floor_url = world.emulators.callable_url("bench_floor")
    rows = []
    with httpx.Client(timeout=60, headers=member.headers) as client:
        for _ in range(5):
            timed(lambda: client.get(task_url), 200)
            timed(lambda: client.get(floor_url), 200)
        floor, get_values = alternate(
            runs,
            lambda: timed(lambda: client.get(floor_url), 200)[0],
            lambda: timed(lambda: client.get(task_url), 200)[0],
        )
        membership = db.document(f"{org_path}/members/{member.uid}")
        direct_get = direct_ms(
            lambda: list(db.get_all([membership, db.document(f"{project_path}/tasks/{world.task_id}")])), runs
        )
        rows.append(
            _overhead_row(
                "warm authenticated GET task vs bare function + batch get of membership and task",
                get_values,
                floor,
                direct_get,
                "overhead <= 3 ms p50",
            )
        )

        counter = iter(range(10**6))
        floor, post_values = alternate(
            runs,
            lambda: timed(lambda: client.get(floor_url), 200)[0],
            lambda: timed(lambda: client.post(tasks_url, json={"title": f"bench {next(counter)}"}), 201)[0],
        )

        def direct_post() -> None:
            list(db.get_all([membership, db.document(project_path)]))
            budgets = db.batch()  # the caller's and the org's write budgets: one commit
            for key in (member.uid, world.org.org_id):
                budgets.set(db.document(f"_bench/{key}"), {"count": firestore.Increment(1)}, merge=True)
            budgets.commit()
            db.collection(f"{project_path}/tasks").document().create(
                {"title": "direct", "status": "todo", "createdAt": firestore.SERVER_TIMESTAMP}
            )

        direct_post_values = direct_ms(direct_post, runs)
        rows.append(
            _overhead_row(
                "warm authenticated POST task vs bare function + batch get, budget commit, create",
                post_values,
                floor,
                direct_post_values,
                "overhead <= 5 ms p50",
            )
        )
    return rows


def _overhead_row(name: str, values: list[float], floor: list[float], direct: list[float], goal: str) -> Row:
    row = summarize(Row(name, "ms", goal=goal), values, floor)
    direct_median = statistics.median(direct)
    row.overhead = statistics.median(values) - statistics.median(floor) - direct_median
    row.extra = {"direct_firestore_p50_ms": direct_median}
    row.note = f"overhead = median - floor median - direct Firestore median ({direct_median:.2f} ms)"
    return row

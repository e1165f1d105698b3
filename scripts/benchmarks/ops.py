"""Billed Firestore operations per request, against floors derived from what each operation must touch.

Counted by the op counter (`firebrick/opcount.py`) on the real app served in this
process (a counting Firestore client), so the emulator's own functions run with the
counter off and the latency rows are not slowed by it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from scripts.benchmarks.core import Row
from scripts.benchmarks.latency import World

MEMBERSHIP = "the caller's membership (refuses a removed member at once)"
#: Every write command spends the caller's and the org's write budgets (one increment each).
BUDGETS = ("the caller's write budget", "the org's write budget")


@dataclass(frozen=True)
class Needs:
    """What an operation must read and write by its definition: the floor any implementation pays."""

    reads: tuple[str, ...]
    #: What it lists: one billed read per item returned (a query that returns nothing still costs one).
    lists: str | None = None
    writes: tuple[str, ...] = ()
    #: The page size of a listing: a full page reads one more item, since `nextCursor` is null
    #: exactly when no page follows (a client never fetches an empty last page).
    page: int | None = None

    def floor(self, listed: int) -> tuple[int, int]:
        look_ahead = 1 if self.page is not None and listed >= self.page else 0
        return len(self.reads) + (max(1, listed) + look_ahead if self.lists else 0), len(self.writes)

    def why(self) -> str:
        returned = f"the {self.lists} returned" + (" and one look-ahead when the page is full" if self.page else "")
        parts = list(self.reads) + ([returned] if self.lists else [])
        writes = f"; writes: {', '.join(self.writes)}" if self.writes else ""
        return f"reads: {', '.join(parts)}{writes}"


@dataclass(frozen=True)
class Op:
    label: str
    method: str
    #: Under the org: `{project}` and `{task}` are filled in.
    path: str
    needs: Needs
    body: dict[str, Any] | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


OPS: tuple[Op, ...] = (
    Op("GET org", "GET", "", Needs((MEMBERSHIP, "the org"))),
    Op("GET members", "GET", "/members", Needs((MEMBERSHIP,), lists="members")),
    Op("GET project", "GET", "/projects/{project}", Needs((MEMBERSHIP, "the project"))),
    Op("GET task", "GET", "/projects/{project}/tasks/{task}", Needs((MEMBERSHIP, "the task"))),
    Op(
        "GET tasks page (limit 25)",
        "GET",
        "/projects/{project}/tasks?limit=25",
        Needs((MEMBERSHIP, "the project (404 when it does not exist)"), lists="tasks", page=25),
    ),
    Op(
        "POST task",
        "POST",
        "/projects/{project}/tasks",
        Needs((MEMBERSHIP, "the project (exists, not archived)"), writes=("the task", *BUDGETS)),
        body={"title": "ops"},
        status=201,
    ),
    Op(
        "PATCH task",
        "PATCH",
        "/projects/{project}/tasks/{task}",
        Needs((MEMBERSHIP, "the task (its current version)"), writes=("the task", *BUDGETS)),
        body={"status": "doing"},
    ),
    Op(
        "POST comment",
        "POST",
        "/projects/{project}/tasks/{task}/comments",
        Needs((MEMBERSHIP, "the task (exists)"), writes=("the comment", *BUDGETS)),
        body={"body": "ops"},
        status=201,
    ),
)


@contextmanager
def counted_api() -> Iterator[httpx.Client]:
    """The real app in this process, its Firestore client counting billed operations."""
    from google.auth.credentials import AnonymousCredentials

    from firebrick.api.app import create_app
    from firebrick.clients import _counting_client_class, firestore_client
    from firebrick.config import get_settings
    from tests.support.resources import api_in_process

    app = create_app()
    counting = _counting_client_class()(project=get_settings().project_id, credentials=AnonymousCredentials())  # type: ignore[no-untyped-call]
    app.dependency_overrides[firestore_client] = lambda: counting
    with api_in_process(app) as base_url, httpx.Client(base_url=base_url, timeout=60) as client:
        yield client


def bench_ops(world: World) -> list[Row]:
    """Reads and writes of each operation next to its floor; requires FIREBRICK_COUNT_FIRESTORE_OPS=1 here."""
    rows = []
    base = f"/v1/orgs/{world.org.org_id}"
    with counted_api() as client:
        client.headers.update(world.org["member"].headers)
        for op in OPS:
            url = base + op.path.format(project=world.project_id, task=world.task_id)
            # The instance's revocation poll (one query read per POLL_SECONDS while it serves,
            # auth/revocations.py) is per instance, not per request: a GET first takes it.
            client.get(base)
            response = client.request(op.method, url, json=op.body)
            if response.status_code != op.status:
                raise RuntimeError(f"{op.label}: {response.status_code} {response.text[:200]}")
            reads, writes = int(response.headers["x-firestore-reads"]), int(response.headers["x-firestore-writes"])
            listed = len(response.json().get("items", [])) if op.needs.lists else 0
            min_reads, min_writes = op.needs.floor(listed)
            rows.append(
                Row(
                    f"Firestore ops {op.label}",
                    "reads",
                    median=reads,
                    floor_median=min_reads,
                    overhead=reads - min_reads,
                    goal="writes = floor",
                    note=f"writes {writes} (floor {min_writes}); floor = {op.needs.why()}",
                    extra={"reads": reads, "writes": writes, "floor_reads": min_reads, "floor_writes": min_writes},
                )
            )
    return rows


def rules_document_accesses(world: World) -> dict[str, int]:
    """Per document path, how often the rules have called get()/exists() on it so far (coverage report)."""
    emulators = world.emulators
    url = f"http://{emulators.firestore}/emulator/v1/projects/{emulators.project_id}:ruleCoverage"
    coverage = httpx.get(url, timeout=60).json()
    source = coverage["rules"]["files"][0]["content"].encode()
    counts: dict[str, int] = {}

    def walk(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            start = node["sourcePosition"]["currentOffset"]
            text = source[start : node["sourcePosition"]["endOffset"]].decode()
            for prefix in ("get(", "exists("):
                if text.startswith(prefix):
                    for child in node.get("children", []):
                        if child["sourcePosition"]["currentOffset"] == start + len(prefix):
                            for value in child.get("values", []):
                                if "pathValue" in value["value"]:
                                    key = json.dumps(value["value"], sort_keys=True)
                                    counts[key] = counts.get(key, 0) + value["count"]
            walk(node.get("children", []))

    walk(coverage["report"])
    return counts


def bench_rules_cost(world: World) -> list[Row]:
    """Billed get()/exists() of the rules per client read of a task (Firestore bills each document once)."""
    from firebrick_testing import RulesTestEnv
    from tests.rules.support import strict_mode
    from tests.support.auth import unsigned_token

    member = world.org["member"]
    task = world.task_path.removeprefix("/v1/")
    without_claims = unsigned_token(member.uid, world.emulators.project_id, {"o": {}, "ox": True})
    env = RulesTestEnv()

    def billed(token: str) -> int:
        client = env.with_id_token(token)
        before = rules_document_accesses(world)
        response = client.get(task)
        if response.status_code != 200:
            raise RuntimeError(f"client read refused: {response.status_code}")
        after = rules_document_accesses(world)
        return sum(1 for key, count in after.items() if count > before.get(key, 0))

    rows = [
        Row(
            "rules billed get() per task read: member, role in claims",
            "reads",
            median=billed(member.id_token),
            goal="0",
        ),
        Row(
            "rules billed get() per task read: role not in claims (overflow)",
            "reads",
            median=billed(without_claims),
            goal="<= 1",
        ),
    ]
    with strict_mode(env):
        rows.append(
            Row("rules billed get() per task read: strict mode", "reads", median=billed(member.id_token), goal="<= 1")
        )
    return rows

"""Firebrick benchmarks: each row measured side by side with its floor, in one run.

Run through `scripts/bench` (it starts the emulators). Prints a table of medians
and p95 with ratios or overheads against the floor, and writes the same figures as
JSON (default .bench/results.json). Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS = ROOT / "functions"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(FUNCTIONS))

from firebrick_testing import RulesTestEnv  # noqa: E402
from scripts.bench_import import import_us  # noqa: E402
from scripts.lib.stats import percentile  # noqa: E402
from tests.support.auth import AuthEmulator, AuthUser  # noqa: E402
from tests.support.emulators import Emulators, discover  # noqa: E402
from tests.support.orgs import SeededOrg, seed_org  # noqa: E402


@dataclass
class Row:
    """One benchmark row: a measured case next to its floor."""

    name: str
    unit: str
    median: float | None = None
    p95: float | None = None
    floor_median: float | None = None
    floor_p95: float | None = None
    ratio: float | None = None
    overhead: float | None = None
    goal: str = ""
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def summarize(row: Row, values: list[float], floor: list[float] | None = None) -> Row:
    row.median, row.p95 = statistics.median(values), percentile(values, 0.95)
    if floor:
        row.floor_median, row.floor_p95 = statistics.median(floor), percentile(floor, 0.95)
        row.ratio = row.median / row.floor_median if row.floor_median else None
        row.overhead = row.median - row.floor_median
    return row


def alternate(runs: int, a: Callable[[], float], b: Callable[[], float]) -> tuple[list[float], list[float]]:
    """Run a and b in turn (A B A B ...) so drift in machine speed hits both alike."""
    a_values, b_values = [], []
    for _ in range(runs):
        a_values.append(a())
        b_values.append(b())
    return a_values, b_values


# --- cold start -------------------------------------------------------------------


def bench_import(runs: int) -> list[Row]:
    floor_values, api_values = alternate(
        runs,
        lambda: import_us("firebase_functions.https_fn", None) / 1000,
        lambda: import_us("main", "api") / 1000,
    )
    row = Row("import main.py (api instance) vs import firebase_functions.https_fn", "ms", goal="ratio <= 1.15")
    return [summarize(row, api_values, floor_values)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def first_request_ms(target: str, path: str) -> float:
    """Spawn a fresh functions-framework worker for `target`; time until its first 200."""
    port = _free_port()
    env = {**os.environ, "FUNCTION_TARGET": target, "FUNCTION_SIGNATURE_TYPE": "http"}
    binary = FUNCTIONS / "venv" / "bin" / "functions-framework"
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(binary), "--target", target, "--host", "127.0.0.1", "--port", str(port)],
        cwd=FUNCTIONS,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = started + 60
        while time.perf_counter() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}{path}", timeout=30).status_code == 200:
                    return (time.perf_counter() - started) * 1000
            except httpx.TransportError:
                time.sleep(0.005)
        raise RuntimeError(f"{target} did not answer within 60 s")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def bench_first_request(runs: int) -> list[Row]:
    floor_values, api_values = alternate(
        runs,
        lambda: first_request_ms("bench_floor", "/"),
        lambda: first_request_ms("api", "/v1/health"),
    )
    row = Row(
        "first request, fresh worker: api GET /v1/health vs bare on_request",
        "ms",
        note="process spawn to first 200, functions-framework as the runtime starts it",
    )
    return [summarize(row, api_values, floor_values)]


# --- warm latency -----------------------------------------------------------------


def timed_get(client: httpx.Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} -> {response.status_code}")
    return elapsed


def bench_warm_health(emulators: Emulators, runs: int) -> list[Row]:
    floor_url = emulators.callable_url("bench_floor")
    with httpx.Client(timeout=30) as client:
        for _ in range(5):  # warm both workers
            timed_get(client, floor_url)
            timed_get(client, f"{emulators.api_base}/v1/health")
        floor_values, api_values = alternate(
            runs,
            lambda: timed_get(client, floor_url),
            lambda: timed_get(client, f"{emulators.api_base}/v1/health"),
        )
    row = Row("warm GET /v1/health vs bare function (Functions emulator)", "ms", goal="ratio <= 1.5")
    return [summarize(row, api_values, floor_values)]


# --- authenticated endpoints: latency against floor + direct Firestore ------------


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


def make_world(emulators: Emulators) -> World:
    from firebrick.clients import firestore_client

    org = seed_org(firestore_client(), AuthEmulator(emulators.auth, emulators.project_id), name="Bench")
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


def timed(call: Callable[[], httpx.Response], expect: int) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = call()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != expect:
        raise RuntimeError(
            f"{response.request.method} {response.request.url} -> {response.status_code}: {response.text[:300]}"
        )
    return elapsed, response


def direct_ms(operation: Callable[[], object], runs: int) -> list[float]:
    values = []
    for _ in range(runs):
        started = time.perf_counter()
        operation()
        values.append((time.perf_counter() - started) * 1000)
    return values


def bench_task_endpoints(world: World, runs: int) -> list[Row]:
    """Authenticated GET/POST of a task against the bare function plus the Firestore
    round trips the endpoint cannot avoid (membership read, then the task / project)."""
    from google.cloud import firestore

    from firebrick.clients import firestore_client

    db = firestore_client()
    member = world.org["member"]
    org_path = f"orgs/{world.org.org_id}"
    task_url = f"{world.base}/projects/{world.project_id}/tasks/{world.task_id}"
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
        direct_get = direct_ms(
            lambda: (
                db.document(f"{org_path}/members/{member.uid}").get(),
                db.document(f"{org_path}/projects/{world.project_id}/tasks/{world.task_id}").get(),
            ),
            runs,
        )
        row = Row("warm authenticated GET task vs bare function + 2 direct reads", "ms", goal="overhead <= 5 ms p50")
        summarize(row, get_values, floor)
        row.overhead = statistics.median(get_values) - statistics.median(floor) - statistics.median(direct_get)
        row.extra = {"direct_firestore_p50_ms": statistics.median(direct_get)}
        row.note = (
            f"overhead = median - floor median - direct Firestore median ({statistics.median(direct_get):.2f} ms)"
        )
        rows.append(row)

        counter = iter(range(10**6))
        floor, post_values = alternate(
            runs,
            lambda: timed(lambda: client.get(floor_url), 200)[0],
            lambda: timed(lambda: client.post(tasks_url, json={"title": f"bench {next(counter)}"}), 201)[0],
        )

        def direct_post() -> None:
            db.document(f"{org_path}/members/{member.uid}").get()
            db.document(f"{org_path}/projects/{world.project_id}").get()
            db.collection(f"{org_path}/projects/{world.project_id}/tasks").document().create(
                {"title": "direct", "status": "todo", "createdAt": firestore.SERVER_TIMESTAMP}
            )

        direct_post_values = direct_ms(direct_post, runs)
        row = Row(
            "warm authenticated POST task vs bare function + 2 reads + 1 write", "ms", goal="overhead <= 5 ms p50"
        )
        summarize(row, post_values, floor)
        row.overhead = statistics.median(post_values) - statistics.median(floor) - statistics.median(direct_post_values)
        row.extra = {"direct_firestore_p50_ms": statistics.median(direct_post_values)}
        row.note = f"direct Firestore median {statistics.median(direct_post_values):.2f} ms"
        rows.append(row)
    return rows


# --- billed Firestore operations per request --------------------------------------------

#: (label, method, path under the org, body, expected status, minimum reads, minimum writes, why)
OP_CASES: list[tuple[str, str, str, dict[str, Any] | None, int, int, int, str]] = [
    ("GET org", "GET", "", None, 200, 2, 0, "membership + org"),
    ("GET members (4)", "GET", "/members", None, 200, 5, 0, "membership + 4 members"),
    ("GET project", "GET", "/projects/{project}", None, 200, 2, 0, "membership + project"),
    ("GET task", "GET", "/projects/{project}/tasks/{task}", None, 200, 2, 0, "membership + task"),
    (
        "GET tasks page (limit 25)",
        "GET",
        "/projects/{project}/tasks?limit=25",
        None,
        200,
        3,
        0,
        "membership + project + tasks (>= 1)",
    ),
    ("POST task", "POST", "/projects/{project}/tasks", {"title": "ops"}, 201, 2, 1, "membership + project; task"),
    (
        "PATCH task",
        "PATCH",
        "/projects/{project}/tasks/{task}",
        {"status": "doing"},
        200,
        2,
        1,
        "membership + task; task",
    ),
    (
        "POST comment",
        "POST",
        "/projects/{project}/tasks/{task}/comments",
        {"body": "ops"},
        201,
        2,
        1,
        "membership + task; comment",
    ),
]


def bench_ops(world: World) -> list[Row]:
    rows = []
    with httpx.Client(timeout=60, headers=world.org["member"].headers) as client:
        for label, method, path, body, expect, min_reads, min_writes, why in OP_CASES:
            url = world.base + path.format(project=world.project_id, task=world.task_id)
            response = client.request(method, url, json=body)
            if response.status_code != expect:
                rows.append(Row(f"ops {label}", "ops", note=f"unexpected {response.status_code}"))
                continue
            reads = int(response.headers.get("x-firestore-reads", -1))
            writes = int(response.headers.get("x-firestore-writes", -1))
            rows.append(
                Row(
                    f"Firestore ops {label}",
                    "reads/writes",
                    median=reads,
                    floor_median=min_reads,
                    overhead=reads - min_reads,
                    note=f"writes {writes} (min {min_writes}); minimum: {why}",
                    extra={"reads": reads, "writes": writes, "min_reads": min_reads, "min_writes": min_writes},
                )
            )
    return rows


# --- rules cost: billed get()/exists() per client read ----------------------------------


def rules_document_accesses(emulators: Emulators) -> dict[str, int]:
    """Per document path, how often the rules have called get()/exists() on it so far
    (from the Firestore emulator's rule-coverage report)."""
    url = f"http://{emulators.firestore}/emulator/v1/projects/{emulators.project_id}:ruleCoverage"
    coverage = httpx.get(url, timeout=60).json()
    source = coverage["rules"]["files"][0]["content"].encode()
    counts: dict[str, int] = {}

    def walk(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            start, end = node["sourcePosition"]["currentOffset"], node["sourcePosition"]["endOffset"]
            text = source[start:end].decode()
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


def billed_rule_reads(emulators: Emulators, read: Callable[[], httpx.Response]) -> int:
    """Distinct documents the rules fetched for one client read (Firestore bills each once)."""
    before = rules_document_accesses(emulators)
    response = read()
    if response.status_code != 200:
        raise RuntimeError(f"client read refused: {response.status_code}")
    after = rules_document_accesses(emulators)
    return sum(1 for key, count in after.items() if count > before.get(key, 0))


def bench_rules_cost(world: World) -> list[Row]:
    from tests.rules.support import strict_mode

    emulators = world.emulators
    member: AuthUser = world.org["member"]
    org_id = world.org.org_id
    task_path = f"orgs/{org_id}/projects/{world.project_id}/tasks/{world.task_id}"
    from tests.support.auth import unsigned_token

    without_claims = unsigned_token(member.uid, emulators.project_id, {"o": {}, "ox": True})
    cases = {
        "member, role in claims": (member.id_token, "0"),
        "member, role not in claims (overflow)": (without_claims, "<= 1"),
    }
    rows = []
    env = RulesTestEnv()
    for label, (token, goal) in cases.items():
        client = env.with_id_token(token)
        reads = billed_rule_reads(emulators, lambda client=client: client.get(task_path))
        rows.append(Row(f"rules billed get()/exists() per task read: {label}", "reads", median=reads, goal=goal))
    with strict_mode(env):
        client = env.with_id_token(member.id_token)
        reads = billed_rule_reads(emulators, lambda: client.get(task_path))
        rows.append(Row("rules billed get()/exists() per task read: strict mode", "reads", median=reads, goal="<= 1"))
    return rows


# --- convergence lags -------------------------------------------------------------------


def bench_derived_lag(samples: int) -> list[Row]:
    from firebrick.clients import firestore_client
    from scripts.bench_derived import measure_lag

    rows = []
    for name, seconds in measure_lag(firestore_client(), samples).items():
        values = [s * 1000 for s in seconds]
        rows.append(summarize(Row(f"derived lag: {name}", "ms", note="write -> derived value visible"), values))
    return rows


def bench_claims_lag(world: World, samples: int) -> list[Row]:
    """Role change through the API -> the user's custom claims carry the new role."""
    from firebase_admin import auth

    from firebrick.clients import firebase_app

    app = firebase_app()
    org_id = world.org.org_id
    target = world.org["viewer"]
    owner = world.org["owner"]
    values = []
    with httpx.Client(timeout=60, headers=owner.headers) as client:
        for i in range(samples):
            role, number = ("member", 2) if i % 2 == 0 else ("viewer", 1)
            started = time.perf_counter()
            response = client.patch(f"{world.base}/members/{target.uid}", json={"role": role})
            if response.status_code != 200:
                raise RuntimeError(f"role change -> {response.status_code}")
            deadline = started + 60
            while time.perf_counter() < deadline:
                claims = auth.get_user(target.uid, app=app).custom_claims or {}
                if claims.get("o", {}).get(org_id) == number:
                    break
                time.sleep(0.01)
            values.append((time.perf_counter() - started) * 1000)
    row = Row(
        "claims-sync lag: PATCH member role -> new role in custom claims",
        "ms",
        note="includes the PATCH request itself",
    )
    return [summarize(row, values)]


# --- report -----------------------------------------------------------------------


def fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def render(rows: list[Row]) -> str:
    lines = [
        "| row | unit | median | p95 | floor median | floor p95 | ratio | overhead | goal | note |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.name} | {r.unit} | {fmt(r.median)} | {fmt(r.p95)} | {fmt(r.floor_median)} | "
            f"{fmt(r.floor_p95)} | {fmt(r.ratio)} | {fmt(r.overhead)} | {r.goal} | {r.note} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke run)")
    parser.add_argument("--json", type=Path, default=ROOT / ".bench" / "results.json")
    args = parser.parse_args()
    scale = 0.2 if args.quick else 1.0

    def n(base: int) -> int:
        return max(3, int(base * scale))

    emulators = discover()
    rows: list[Row] = []
    world = make_world(emulators)
    sections: list[tuple[str, Callable[[], list[Row]]]] = [
        ("import", lambda: bench_import(n(15))),
        ("first request", lambda: bench_first_request(n(7))),
        ("warm health", lambda: bench_warm_health(emulators, n(200))),
        ("task endpoints", lambda: bench_task_endpoints(world, n(100))),
        ("Firestore ops per request", lambda: bench_ops(world)),
        ("rules cost", lambda: bench_rules_cost(world)),
        ("derived lag", lambda: bench_derived_lag(n(20))),
        ("claims lag", lambda: bench_claims_lag(world, n(10))),
    ]
    for title, section in sections:
        print(f"[bench] {title} ...", file=sys.stderr, flush=True)
        rows.extend(section())

    header = (
        f"{datetime.now(UTC):%Y-%m-%d}, {platform.machine()} {platform.system()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    table = render(rows)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"machine": header, "rows": [asdict(r) for r in rows]}, indent=2))
    args.json.with_suffix(".md").write_text(f"Measured {header}\n\n{table}\n")
    print(f"\n=== Firebrick benchmarks ({header}) ===\n{table}\n\nJSON: {args.json}")


if __name__ == "__main__":
    main()

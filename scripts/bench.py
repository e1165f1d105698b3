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

from scripts.bench_import import import_us  # noqa: E402
from tests.support.emulators import Emulators, discover  # noqa: E402


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


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def summarize(row: Row, values: list[float], floor: list[float] | None = None) -> Row:
    row.median, row.p95 = statistics.median(values), p95(values)
    if floor:
        row.floor_median, row.floor_p95 = statistics.median(floor), p95(floor)
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
    sections: list[tuple[str, Callable[[], list[Row]]]] = [
        ("import", lambda: bench_import(n(15))),
        ("first request", lambda: bench_first_request(n(7))),
        ("warm health", lambda: bench_warm_health(emulators, n(200))),
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

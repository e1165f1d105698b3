"""Cold start: importing main.py, and the first request a fresh worker serves, against bare floors."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import httpx

from scripts.bench_import import import_us
from scripts.benchmarks.core import Row, alternate, summarize

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"


def bench_import(runs: int) -> list[Row]:
    floor, api = alternate(
        runs,
        lambda: import_us("firebase_functions.https_fn", None) / 1000,
        lambda: import_us("main", "api") / 1000,
    )
    row = Row("import main.py (api instance) vs import firebase_functions.https_fn", "ms", goal="ratio <= 1.15")
    return [summarize(row, api, floor)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def first_request_ms(target: str, path: str, headers: dict[str, str] | None = None) -> float:
    """Spawn a fresh functions-framework worker for `target` (as the runtime does); ms until its first 200."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "FIREBRICK_COUNT_FIRESTORE_OPS"}  # as deployed
    env.update(FUNCTION_TARGET=target, FUNCTION_SIGNATURE_TYPE="http")
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
                status = httpx.get(f"http://127.0.0.1:{port}{path}", headers=headers, timeout=30).status_code
                if status == 200:
                    return (time.perf_counter() - started) * 1000
                raise RuntimeError(f"{target} {path} -> {status}")
            except httpx.TransportError:
                time.sleep(0.005)
        raise RuntimeError(f"{target} did not answer within 60 s")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def bench_first_request(runs: int, task_path: str, token: str) -> list[Row]:
    """Process start to first 200: `GET /v1/health`, and an authenticated `GET` of a task, vs a bare function."""
    floor, health = alternate(
        runs, lambda: first_request_ms("bench_floor", "/"), lambda: first_request_ms("api", "/v1/health")
    )
    health_row = summarize(
        Row(
            "first request, fresh worker: GET /v1/health vs bare on_request",
            "ms",
            goal="ratio <= 1.5",
            note="process spawn to first 200; the app includes only the routes the request needs",
        ),
        health,
        floor,
    )
    auth = {"Authorization": f"Bearer {token}"}
    floor2, task = alternate(
        runs, lambda: first_request_ms("bench_floor", "/"), lambda: first_request_ms("api", task_path, auth)
    )
    task_row = summarize(
        Row(
            "first request, fresh worker: authenticated GET task vs bare on_request",
            "ms",
            note="adds the Firestore client, token verification and 2 reads: what a real first call pays",
        ),
        task,
        floor2,
    )
    return [health_row, task_row]

"""The same ASGI app runs unchanged under uvicorn (the documented path to Cloud Run)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

FUNCTIONS = Path(__file__).resolve().parents[1] / "functions"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def uvicorn_url() -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "GCLOUD_PROJECT": os.environ.get("GCLOUD_PROJECT", "demo-firebrick")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "firebrick.asgi:app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=FUNCTIONS,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{url}/v1/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_health_under_uvicorn(uvicorn_url: str) -> None:
    response = httpx.get(f"{uvicorn_url}/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_errors_are_problem_json_under_uvicorn(uvicorn_url: str) -> None:
    response = httpx.get(f"{uvicorn_url}/v1/missing")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")

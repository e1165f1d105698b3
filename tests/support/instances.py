"""Fresh function instances in a subprocess, with exactly the environment a test gives them.

Settings are read once per process, so a test of how an instance starts (a
production environment, App Check on, ...) runs one of its own: a script, or a
server (uvicorn for the API, functions-framework for a callable of main.py).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"
#: Values for a production-like environment: long enough, and a key set that parses.
STRONG_SECRET = "s3cr3t-" * 8


def production_env(**overrides: str) -> dict[str, str]:
    """A Cloud Functions-like environment (K_SERVICE set), no emulators, no secrets unless given."""
    keep = {name: value for name, value in os.environ.items() if name in ("PATH", "HOME", "LANG", "TMPDIR")}
    return {**keep, "K_SERVICE": "api", "FUNCTION_TARGET": "api", **overrides}


def emulator_env(**overrides: str) -> dict[str, str]:
    """This process's environment (the emulators `scripts/test` started) plus `overrides`."""
    return {**os.environ, **overrides}


def valid_keyset() -> str:
    from firebrick.auth.keys import development_keyset_json

    return development_keyset_json("ab" * 32)


def run_python(code: str, env: dict[str, str]) -> tuple[list[dict[str, Any]], Any]:
    """Run `code` in functions/; returns (the JSON log lines it wrote, the JSON it printed last)."""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=FUNCTIONS, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert done.returncode == 0, done.stdout + done.stderr
    assert lines, done.stdout + done.stderr
    parsed = [json.loads(line) for line in lines]
    return parsed[:-1], parsed[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(command: list[str], env: dict[str, str], ready_path: str, port: int) -> Iterator[str]:
    """Start `command` (listening on `port`) in functions/; yield its base URL once `ready_path` answers."""
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(command, cwd=FUNCTIONS, env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(f"{url}{ready_path}", timeout=2)
                    break
                except httpx.TransportError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        output.seek(0)
                        tail = output.read().decode(errors="replace")[-2000:]
                        raise AssertionError(f"{' '.join(command[:4])} did not start: {tail}") from None
                    time.sleep(0.2)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)

"""Route modules load on the first request that needs them; what a client sees does not depend on the order."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import httpx
from fastapi import FastAPI

from firebrick.api.app import create_app
from firebrick.api.lazy_routes import with_every_route
from tests.support.emulators import Emulators

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"

FIRST_REQUESTS = """
import asyncio, json, sys
import httpx
from firebrick.api.app import create_app

async def main():
    transport = httpx.ASGITransport(app=create_app())
    seen = {}
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        for path in sys.argv[1:]:
            await client.get(path)
            seen[path] = sorted(m.rsplit(".", 1)[1] for m in sys.modules if m.startswith("firebrick.api.routes."))
    print(json.dumps(seen))

asyncio.run(main())
"""


def get(app: FastAPI, path: str) -> httpx.Response:
    async def call() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api") as client:
            return await client.get(path)

    return asyncio.run(call())


def test_a_request_imports_only_the_route_modules_of_its_path(clean: Emulators) -> None:
    paths = ("/v1/health", "/v1/me", "/v1/orgs/o1/projects", "/v1/openapi.json")
    done = subprocess.run(
        [sys.executable, "-c", FIRST_REQUESTS, *paths], cwd=FUNCTIONS, capture_output=True, text=True, check=True
    )
    loaded = json.loads(done.stdout.splitlines()[-1])
    assert loaded["/v1/health"] == ["health"]
    assert loaded["/v1/me"] == ["auth", "health"]
    assert loaded["/v1/orgs/o1/projects"] == ["auth", "health", "orgs", "projects", "tokens"]
    assert loaded["/v1/openapi.json"] == ["auth", "health", "orgs", "projects", "tokens"]


def test_the_document_and_the_routes_do_not_depend_on_the_first_request(clean: Emulators) -> None:
    health_first, orgs_first = create_app(), create_app()
    assert get(health_first, "/v1/health").status_code == 200
    assert get(orgs_first, "/v1/orgs").status_code == 401  # routed on a cold app (not a 404)
    assert get(health_first, "/v1/openapi.json").json() == get(orgs_first, "/v1/openapi.json").json()
    everything = [getattr(r, "path", None) for r in with_every_route(create_app()).routes]
    assert [getattr(r, "path", None) for r in orgs_first.routes] == everything

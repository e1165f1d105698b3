"""The middleware in-process: a chunked body over the limit is 413, and the last resort answers like every response.

A 500 or 503 that no handler mapped still carries the request id, the security
headers and `no-store` (Starlette's own last resort, outside every middleware,
did not), and a chunked body over 1 MiB answers 413 (the framework's body parser
turned the limit into a 400).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from firebrick.api.middleware import SECURITY_HEADERS
from tests.support.orgs import SeededOrg
from tests.support.resources import api_in_process, assert_problem

LIMIT = 1024 * 1024


def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    """A body sent chunked (no Content-Length): httpx streams an iterator."""
    sent = 0
    while sent < total:
        yield b" " * min(size, total - sent)
        sent += size


def assert_hardened(response: httpx.Response) -> None:
    assert response.headers["x-request-id"]
    assert response.headers["cache-control"] == "no-store"
    for name, value in SECURITY_HEADERS:
        assert response.headers[name.decode()] == value.decode(), name


@pytest.fixture(scope="module")
def failing_api() -> Iterator[httpx.Client]:
    """The real app plus two routes that fail as no handler expects."""
    from google.api_core.exceptions import ServiceUnavailable

    from firebrick.api.app import create_app

    app = create_app()

    def boom() -> None:
        raise RuntimeError("a bug")

    def database_down() -> None:
        raise ServiceUnavailable("no Firestore")

    app.add_api_route("/v1/test-boom", boom)
    app.add_api_route("/v1/test-database-down", database_down)
    with api_in_process(app) as base, httpx.Client(base_url=base, timeout=60) as client:
        yield client


def test_an_unhandled_error_is_a_hardened_500_problem(failing_api: httpx.Client) -> None:
    response = failing_api.get("/v1/test-boom", headers={"X-Request-Id": "req-42"})
    body = assert_problem(response, 500, "internal")
    assert "a bug" not in response.text
    assert body["instance"] == "/v1/test-boom"
    assert_hardened(response)
    assert response.headers["x-request-id"] == "req-42"


def test_an_unreachable_database_is_a_hardened_503_with_retry_after(failing_api: httpx.Client) -> None:
    response = failing_api.get("/v1/test-database-down")
    assert_problem(response, 503, "unavailable")
    assert response.headers["retry-after"] == "1"
    assert_hardened(response)


def test_a_chunked_body_over_the_limit_is_413(failing_api: httpx.Client, make_org: Callable[..., SeededOrg]) -> None:
    org = make_org(roles=("admin",))
    headers = {**org["admin"].headers, "Content-Type": "application/json"}
    url = f"/v1/orgs/{org.org_id}/projects"
    response = failing_api.post(url, content=chunks(LIMIT + 1), headers=headers)
    assert_problem(response, 413, "payload_too_large")
    assert_hardened(response)
    declared = failing_api.post(url, content=b" " * (LIMIT + 1), headers=headers)
    assert_problem(declared, 413, "payload_too_large")
    assert_hardened(declared)
    # A chunked body within the limit is read whole and handed on.
    small = failing_api.post(url, content=iter([b'{"name": ', b'"Chunked"}']), headers=headers)
    assert small.status_code == 201, small.text
    assert small.json()["name"] == "Chunked"

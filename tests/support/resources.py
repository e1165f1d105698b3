"""Helpers for the projects/tasks/comments tests: URLs, creates through the API, problem checks."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx

from tests.support.auth import AuthUser


def projects_url(org_id: str) -> str:
    return f"/v1/orgs/{org_id}/projects"


def project_url(org_id: str, project_id: str) -> str:
    return f"{projects_url(org_id)}/{project_id}"


def tasks_url(org_id: str, project_id: str) -> str:
    return f"{project_url(org_id, project_id)}/tasks"


def task_url(org_id: str, project_id: str, task_id: str) -> str:
    return f"{tasks_url(org_id, project_id)}/{task_id}"


def comments_url(org_id: str, project_id: str, task_id: str) -> str:
    return f"{task_url(org_id, project_id, task_id)}/comments"


def comment_url(org_id: str, project_id: str, task_id: str, comment_id: str) -> str:
    return f"{comments_url(org_id, project_id, task_id)}/{comment_id}"


def headers(user: AuthUser, **extra: str) -> dict[str, str]:
    return {**user.headers, **{k.replace("_", "-"): v for k, v in extra.items()}}


def assert_problem(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status (and code); returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code, body
    assert body["type"].endswith("/" + body["code"])
    assert "Traceback" not in response.text
    return body


def create_project(api: httpx.Client, user: AuthUser, org_id: str, name: str = "Launch") -> dict[str, Any]:
    response = api.post(projects_url(org_id), json={"name": name}, headers=user.headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def create_task(api: httpx.Client, user: AuthUser, org_id: str, project_id: str, **fields: Any) -> dict[str, Any]:
    response = api.post(tasks_url(org_id, project_id), json={"title": "Do it", **fields}, headers=user.headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def create_comment(
    api: httpx.Client, user: AuthUser, org_id: str, project_id: str, task_id: str, body: str = "Looks good"
) -> dict[str, Any]:
    response = api.post(comments_url(org_id, project_id, task_id), json={"body": body}, headers=user.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


@contextmanager
def api_in_process(app: Any = None) -> Iterator[str]:
    """The same ASGI app under uvicorn in this process, against the same emulators; yields its base URL.

    The Functions emulator serves one request per Python worker and cold-starts a
    new worker for each concurrent request (tens of seconds on a loaded machine),
    so tests that need requests truly in flight together use this server; it is
    also the documented Cloud Run path ("the same app, unchanged, under uvicorn").
    """
    import uvicorn

    from firebrick.api.app import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app or create_app(), log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            threading.Event().wait(0.05)
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def race(base_url: str, requests: list[Callable[[httpx.Client], Any]]) -> list[Any]:
    """Run the callables at once, each with its own client, released together by a barrier."""
    barrier = threading.Barrier(len(requests))

    def run(send: Callable[[httpx.Client], Any]) -> Any:
        with httpx.Client(base_url=base_url, timeout=60) as client:
            barrier.wait(timeout=60)
            return send(client)

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(run, requests))

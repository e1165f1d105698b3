"""Helpers for the projects/tasks/comments tests: URLs, creates through the API, problem checks."""

from __future__ import annotations

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

"""Cursor pagination of tasks: stable order, no duplicate, no gap, even while tasks are added."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx

from tests.support.orgs import SeededOrg
from tests.support.resources import api_in_process, assert_problem, create_project, tasks_url

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def seed_tasks(db: Client, org_id: str, project_id: str, count: int) -> list[str]:
    """`count` tasks written directly, 12 per createdAt value so order ties are broken by id."""
    base = datetime(2026, 1, 1, tzinfo=UTC)
    batch = db.batch()
    ids = []
    for i in range(count):
        task_id = f"seed{i:03d}"
        ids.append(task_id)
        batch.set(
            db.document(f"orgs/{org_id}/projects/{project_id}/tasks/{task_id}"),
            {
                "title": f"Seeded {i}",
                "description": "",
                "status": ("todo", "doing", "done")[i % 3],
                "assigneeUid": None,
                "dueAt": None,
                "labels": [],
                "orgId": org_id,
                "projectId": project_id,
                "createdAt": base + timedelta(seconds=i // 12),
                "createdBy": "seed",
                "updatedAt": base,
            },
        )
    batch.commit()
    return ids


def walk(api: httpx.Client, url: str, headers: dict[str, str], limit: int, **params: str) -> list[list[dict[str, Any]]]:
    """Every page of a listing, following nextCursor until it is null."""
    pages: list[list[dict[str, Any]]] = []
    cursor: str | None = None
    while True:
        query = {"limit": str(limit), **params, **({"cursor": cursor} if cursor else {})}
        response = api.get(url, params=query, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body["items"])
        cursor = body["nextCursor"]
        if cursor is None:
            return pages
        assert len(pages) < 50, "pagination does not terminate"


def test_walk_of_120_tasks_in_pages_of_25_has_no_duplicate_and_no_gap_while_tasks_are_added(
    api: httpx.Client, make_org: Callable[..., SeededOrg], admin_db: Client
) -> None:
    org = make_org(roles=("admin", "member"))
    project = create_project(api, org["admin"], org.org_id)
    seeded = seed_tasks(admin_db, org.org_id, project["id"], 120)
    url = tasks_url(org.org_id, project["id"])

    added: list[str] = []
    stop = threading.Event()

    def keep_adding(base_url: str) -> None:
        # A second API server creating tasks for the whole walk (the Functions
        # emulator runs one request per worker, so it would serialise the two).
        with httpx.Client(base_url=base_url, timeout=60) as writer:
            while not stop.is_set() and len(added) < 40:
                response = writer.post(url, json={"title": f"Live {len(added)}"}, headers=org["member"].headers)
                assert response.status_code == 201, response.text
                added.append(response.json()["id"])

    with api_in_process() as writer_base:
        adder = threading.Thread(target=keep_adding, args=(writer_base,))
        adder.start()
        try:
            pages = walk(api, url, org["member"].headers, 25)
        finally:
            stop.set()
            adder.join()

    seen = [task["id"] for page in pages for task in page]
    assert len(seen) == len(set(seen)), "a task was returned twice"
    assert seen[:120] == seeded, "the seeded tasks must come first, in (createdAt, id) order, none missing"
    assert set(seen[120:]) <= set(added)
    assert all(len(page) == 25 for page in pages[:-1])
    assert 1 <= len(pages[-1]) <= 25
    assert len(pages) >= 5


def test_filtered_walk_pages_through_matches_only(
    api: httpx.Client, make_org: Callable[..., SeededOrg], admin_db: Client
) -> None:
    org = make_org(roles=("admin",))
    project = create_project(api, org["admin"], org.org_id)
    seeded = seed_tasks(admin_db, org.org_id, project["id"], 60)
    pages = walk(api, tasks_url(org.org_id, project["id"]), org["admin"].headers, 7, status="doing")
    seen = [t["id"] for page in pages for t in page]
    assert seen == [t for i, t in enumerate(seeded) if i % 3 == 1]
    assert {t["status"] for page in pages for t in page} == {"doing"}


def test_bad_cursors_are_400_problem_json(
    api: httpx.Client, make_org: Callable[..., SeededOrg], admin_db: Client
) -> None:
    org = make_org(roles=("admin",))
    project = create_project(api, org["admin"], org.org_id)
    other = create_project(api, org["admin"], org.org_id, "Other")
    seed_tasks(admin_db, org.org_id, project["id"], 5)
    url = tasks_url(org.org_id, project["id"])
    admin = org["admin"]
    first = api.get(url, params={"limit": "2"}, headers=admin.headers).json()
    cursor = first["nextCursor"]
    assert cursor

    def get(target: str, **params: str) -> httpx.Response:
        return api.get(target, params=params, headers=admin.headers)

    assert get(url, limit="2", cursor=cursor).status_code == 200
    # A cursor only works for the listing that issued it.
    assert_problem(get(url, limit="2", cursor=cursor, status="todo"), 400, "invalid_cursor")
    assert_problem(get(tasks_url(org.org_id, other["id"]), cursor=cursor), 400, "invalid_cursor")
    assert_problem(get(f"/v1/orgs/{org.org_id}/projects", cursor=cursor), 400, "invalid_cursor")
    # Garbage, truncated and forged cursors.
    assert_problem(get(url, cursor="not-a-cursor"), 400, "invalid_cursor")
    assert_problem(get(url, cursor=cursor[:-3]), 400, "invalid_cursor")
    raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    for forged in ([raw[0], raw[1], raw[2], "../../x"], [raw[0], raw[1], "soon", raw[3]], [9, *raw[1:]], {"a": 1}):
        token = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode().rstrip("=")
        assert_problem(get(url, cursor=token), 400, "invalid_cursor")
    assert_problem(get(url, cursor="x" * 600), 422)

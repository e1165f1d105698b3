"""What each request costs in billed Firestore operations (regression guard; docs quote these figures).

Counted with the benchmark op counter (firebrick.opcount) on the real API app,
served in process against the Firestore emulator. One membership read per
org-scoped request is the price of refusing removed members at once; two writes per
write command (in one commit, no read) the price of the write budgets: the user's
window counter and the org's (`services/access.spend_write`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.support.orgs import SeededOrg
from tests.support.resources import api_in_process, headers

if TYPE_CHECKING:
    from google.cloud.firestore import Client


@pytest.fixture
def counted_api(clean: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[httpx.Client]:
    from google.auth.credentials import AnonymousCredentials

    from firebrick.api.app import create_app
    from firebrick.clients import _counting_client_class, firestore_client
    from firebrick.config import get_settings

    monkeypatch.setenv("FIREBRICK_COUNT_FIRESTORE_OPS", "1")
    app = create_app()
    counting = _counting_client_class()(project=get_settings().project_id, credentials=AnonymousCredentials())
    app.dependency_overrides[firestore_client] = lambda: counting
    with api_in_process(app) as base_url, httpx.Client(base_url=base_url, timeout=60) as client:
        yield client


def created_at(i: int) -> datetime:
    return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=i)


def ops(response: httpx.Response) -> tuple[int, int]:
    assert response.status_code < 300, response.text
    return int(response.headers["x-firestore-reads"]), int(response.headers["x-firestore-writes"])


def test_billed_operations_per_request(
    counted_api: httpx.Client, make_org: Callable[..., SeededOrg], admin_db: Client
) -> None:
    org = make_org(roles=("admin", "member"))
    admin, member = org["admin"], org["member"]
    base = f"/v1/orgs/{org.org_id}/projects"

    created = counted_api.post(base, json={"name": "P"}, headers=admin.headers)
    assert ops(created) == (1, 3)  # membership; project + the user's and org's write budgets
    tasks = f"{base}/{created.json()['id']}/tasks"

    task = counted_api.post(tasks, json={"title": "t", "assigneeUid": member.uid}, headers=member.headers)
    assert ops(task) == (3, 3)  # membership, project, assignee membership; task + 2 budgets
    keyed = headers(member, Idempotency_Key=str(uuid.uuid4()))
    first = counted_api.post(tasks, json={"title": "k"}, headers=keyed)
    assert ops(first) == (2, 5)  # + ledger reserve and completion
    replay = counted_api.post(tasks, json={"title": "k"}, headers=keyed)
    assert ops(replay) == (2, 0)  # ledger read, membership re-check; a replay spends no budget, writes nothing

    url = f"{tasks}/{task.json()['id']}"
    fetched = counted_api.get(url, headers=member.headers)
    assert ops(fetched) == (2, 0)
    patched = counted_api.patch(url, json={"status": "done"}, headers=headers(member, If_Match=fetched.headers["etag"]))
    assert ops(patched) == (2, 3)  # membership, current version; conditional write + 2 budgets

    batch = admin_db.batch()
    for i in range(30):
        batch.set(
            admin_db.collection(tasks.removeprefix("/v1/")).document(f"x{i:02d}"),
            {"title": "x", "createdAt": created_at(i)},
        )
    batch.commit()
    page = counted_api.get(tasks, params={"limit": "25"}, headers=member.headers)
    assert ops(page) == (2 + 26, 0)  # membership, project; one look-ahead past the page


def test_org_requests_cost_one_membership_read_and_what_they_touch(
    counted_api: httpx.Client, make_org: Callable[..., SeededOrg]
) -> None:
    org = make_org()
    owner = org["owner"].headers
    base = f"/v1/orgs/{org.org_id}"
    assert ops(counted_api.get(base, headers=owner)) == (2, 0)  # membership, org
    assert ops(counted_api.get(f"{base}/members", headers=owner)) == (5, 0)  # membership, the 4 members
    patched = counted_api.patch(f"{base}/members/{org['viewer'].uid}", json={"role": "member"}, headers=owner)
    assert ops(patched) == (2, 4)  # membership, target; the role, its audit entry + 2 budgets
    invited = counted_api.post(f"{base}/invites", json={"email": "a@example.com", "role": "viewer"}, headers=owner)
    assert ops(invited) == (1, 4)  # membership; invite, audit entry + 2 budgets

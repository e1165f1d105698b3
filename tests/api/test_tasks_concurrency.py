"""Concurrency: conditional writes have one winner; retried creates create once."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.support.orgs import SeededOrg
from tests.support.resources import (
    assert_problem,
    create_project,
    create_task,
    headers,
    race,
    task_url,
    tasks_url,
)

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def task_ids(db: Client, org_id: str, project_id: str) -> list[str]:
    return [d.id for d in db.collection(f"orgs/{org_id}/projects/{project_id}/tasks").stream()]


@pytest.fixture
def org(make_org: Callable[..., SeededOrg]) -> SeededOrg:
    return make_org(roles=("admin", "member"))


@pytest.fixture
def project(api: httpx.Client, org: SeededOrg) -> dict[str, Any]:
    return create_project(api, org["admin"], org.org_id)


def test_two_concurrent_patches_with_the_same_if_match_one_200_one_412(
    api: httpx.Client, org: SeededOrg, project: dict[str, Any], admin_db: Client, local_api_url: str
) -> None:
    member = org["member"]
    task = create_task(api, member, org.org_id, project["id"])
    url = task_url(org.org_id, project["id"], task["id"])
    etag = api.get(url, headers=member.headers).headers["etag"]

    responses = race(
        local_api_url,
        [
            lambda c: c.patch(url, json={"title": "From A"}, headers=headers(member, If_Match=etag)),
            lambda c: c.patch(url, json={"title": "From B"}, headers=headers(member, If_Match=etag)),
        ],
    )

    assert sorted(r.status_code for r in responses) == [200, 412]
    winner = next(r for r in responses if r.status_code == 200)
    loser = next(r for r in responses if r.status_code == 412)
    assert_problem(loser, 412, "precondition_failed")
    stored = admin_db.document(f"orgs/{org.org_id}/projects/{project['id']}/tasks/{task['id']}").get().to_dict()
    assert stored is not None
    assert stored["title"] == winner.json()["title"]
    assert api.get(url, headers=member.headers).headers["etag"] == winner.headers["etag"]


def test_retried_post_with_the_same_idempotency_key_creates_one_task(
    api: httpx.Client, org: SeededOrg, project: dict[str, Any], admin_db: Client
) -> None:
    member = org["member"]
    url = tasks_url(org.org_id, project["id"])
    key = str(uuid.uuid4())
    body = {"title": "Pay invoice", "labels": ["finance"]}

    first = api.post(url, json=body, headers=headers(member, Idempotency_Key=key))
    retry = api.post(url, json=body, headers=headers(member, Idempotency_Key=key))

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["etag"] == first.headers["etag"]
    assert retry.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert task_ids(admin_db, org.org_id, project["id"]) == [first.json()["id"]]

    # Another key (or none) is another task.
    other = api.post(url, json=body, headers=headers(member, Idempotency_Key=str(uuid.uuid4())))
    assert other.json()["id"] != first.json()["id"]
    assert len(task_ids(admin_db, org.org_id, project["id"])) == 2


def test_concurrent_retries_with_the_same_idempotency_key_create_one_task(
    org: SeededOrg, project: dict[str, Any], admin_db: Client, local_api_url: str
) -> None:
    member = org["member"]
    url = tasks_url(org.org_id, project["id"])
    key = str(uuid.uuid4())

    def send(client: httpx.Client) -> httpx.Response:
        return client.post(url, json={"title": "Once"}, headers=headers(member, Idempotency_Key=key))

    responses = race(local_api_url, [send] * 5)

    assert [r.status_code for r in responses] == [201] * 5, [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    assert sum(1 for r in responses if "idempotent-replayed" not in r.headers) == 1
    assert task_ids(admin_db, org.org_id, project["id"]) == [responses[0].json()["id"]]


def test_same_idempotency_key_with_another_body_is_422_and_creates_nothing(
    api: httpx.Client, org: SeededOrg, project: dict[str, Any], admin_db: Client
) -> None:
    member = org["member"]
    url = tasks_url(org.org_id, project["id"])
    key = str(uuid.uuid4())
    first = api.post(url, json={"title": "A"}, headers=headers(member, Idempotency_Key=key))
    assert first.status_code == 201
    assert_problem(
        api.post(url, json={"title": "B"}, headers=headers(member, Idempotency_Key=key)), 422, "idempotency_key_reused"
    )
    assert task_ids(admin_db, org.org_id, project["id"]) == [first.json()["id"]]


def test_idempotency_keys_are_scoped_to_the_caller_and_expire(
    api: httpx.Client, org: SeededOrg, project: dict[str, Any], admin_db: Client
) -> None:
    url = tasks_url(org.org_id, project["id"])
    key = str(uuid.uuid4())
    mine = api.post(url, json={"title": "Same"}, headers=headers(org["member"], Idempotency_Key=key))
    theirs = api.post(url, json={"title": "Same"}, headers=headers(org["admin"], Idempotency_Key=key))
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert "idempotent-replayed" not in theirs.headers

    entries = [d.to_dict() for d in admin_db.collection("idempotency").stream()]
    assert len(entries) == 2
    for entry in entries:
        assert entry["state"] == "done"
        assert entry["expiresAt"] > entry["createdAt"]
        assert key not in str(entry)  # the raw key is never stored


def test_failed_create_does_not_burn_the_idempotency_key(
    api: httpx.Client, org: SeededOrg, project: dict[str, Any], admin_db: Client
) -> None:
    member = org["member"]
    key = str(uuid.uuid4())
    missing = tasks_url(org.org_id, "no-such-project")
    assert_problem(api.post(missing, json={"title": "x"}, headers=headers(member, Idempotency_Key=key)), 404)
    assert list(admin_db.collection("idempotency").stream()) == []


@pytest.mark.parametrize("key", ["short", "has space in it", "x" * 256])
def test_malformed_idempotency_keys_are_422(
    api: httpx.Client, org: SeededOrg, project: dict[str, Any], admin_db: Client, key: str
) -> None:
    url = tasks_url(org.org_id, project["id"])
    response = api.post(url, json={"title": "x"}, headers={**org["member"].headers, "Idempotency-Key": key})
    assert_problem(response, 422, "validation_failed")
    assert task_ids(admin_db, org.org_id, project["id"]) == []


def test_racing_conditional_writers_that_both_read_the_same_version_have_one_winner(admin_db: Client) -> None:
    """Both writers pass the If-Match check before either writes: Firestore's precondition decides."""
    from firebrick.errors import PreconditionFailed
    from firebrick.etag import version_etag
    from firebrick.services.documents import update_document

    ref = admin_db.document("orgs/o1/projects/p1/tasks/t1")
    ref.set({"title": "start"})
    etag = version_etag(ref.get().update_time)
    both_read = threading.Barrier(2)

    def write(title: str) -> str:
        def decide(current: dict[str, Any]) -> dict[str, Any]:
            both_read.wait(timeout=30)
            return {"title": title}

        try:
            update_document(admin_db, ref.path, if_match=etag, not_found=PreconditionFailed(), decide=decide)
        except PreconditionFailed:
            return "412"
        return "200"

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(write, ["A", "B"]))

    assert sorted(outcomes) == ["200", "412"]
    winner = "A" if outcomes[0] == "200" else "B"
    assert (ref.get().to_dict() or {})["title"] == winner


def test_replay_to_a_caller_removed_from_the_org_is_404(
    api: httpx.Client, org: SeededOrg, project: dict[str, Any], admin_db: Client
) -> None:
    member = org["member"]
    url = tasks_url(org.org_id, project["id"])
    keyed = headers(member, Idempotency_Key=str(uuid.uuid4()))
    assert api.post(url, json={"title": "Mine"}, headers=keyed).status_code == 201
    admin_db.document(f"orgs/{org.org_id}/members/{member.uid}").delete()
    assert_problem(api.post(url, json={"title": "Mine"}, headers=keyed), 404, "not_found")

"""Faults: a trigger that dies half-way, a command that dies between its steps, an unreachable database.

Triggers run in-process with a fault injected where the real handler would die
(a write refused mid-transaction, a crash after the commit, a cascade cut short);
then the retry Eventarc would send, or the reconcile, must leave exactly the state
an unbroken delivery leaves. Commands fail between their steps through the API in
this process and must leave the database as it was. With Firestore unreachable, the
API must answer 503 problem+json within its (bounded) Firestore deadline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from firebrick.services.reconcile import reconcile_org
from firebrick.state.event_ledger import already_applied
from firebrick_testing import firestore_event, invoke
from tests.api.test_invites import invite
from tests.reliability.support import all_documents, invariant_violations
from tests.support.auth import AuthUser
from tests.support.instances import emulator_env, free_port, server
from tests.support.orgs import SeededOrg
from tests.support.resources import assert_problem, create_project, create_task, project_url, task_url
from tests.triggers.support import dump_tree, seed_project, seed_task, settle, task_stats

if TYPE_CHECKING:
    from google.cloud.firestore import Client


class Injected(RuntimeError):
    """The fault a test injects."""


def fail_on_call(n: int, original: Callable[..., Any]) -> Callable[..., Any]:
    """`original`, except that its `n`th call raises `Injected`."""
    calls = [0]

    def patched(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == n:
            raise Injected(f"call {n}")
        return original(*args, **kwargs)

    return patched


# --- Triggers ----------------------------------------------------------------------------


@pytest.fixture
def world(admin_db: Client, make_org: Callable[..., SeededOrg]) -> tuple[SeededOrg, Any]:
    """A settled org with a project, its task `t` not yet delivered (its two comments are)."""
    import main

    org = make_org(roles=("owner",))
    project = seed_project(admin_db, org.org_id)
    settle(admin_db, [admin_db.document(f"orgs/{org.org_id}")])
    task = seed_task(admin_db, project, "t", status="doing")
    for c in ("c1", "c2"):
        comment = task.collection("comments").document(c)
        comment.set({"body": c, "authorUid": org["owner"].uid})
        invoke(main.derive_comment, firestore_event(comment.path, None, comment.get()))
    return org, project


def cut_short(db: Client, ref: Any) -> int:
    """A cascade that deletes one comment below `ref`, then dies."""
    for comment in ref.collection("comments").limit(1).stream():
        comment.reference.delete()
    raise Injected("cascade cut short")


@pytest.mark.parametrize(
    ("fault", "healer"),
    [
        ("mid-transaction", "retry"),
        ("mid-transaction", "reconcile"),
        ("after-commit", "retry"),
        ("after-commit", "reconcile"),
        ("mid-cascade", "retry"),
    ],
)
def test_a_trigger_that_dies_half_way_is_healed_by_its_retry_or_the_reconcile(
    fault: str, healer: str, admin_db: Client, world: tuple[SeededOrg, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import main
    from google.cloud.firestore_v1.transaction import Transaction

    from firebrick.state import counters
    from firebrick.triggers import tasks

    org, project = world
    task = project.collection("tasks").document("t")
    if fault == "mid-cascade":
        invoke(main.derive_task, firestore_event(task.path, None, task.get()))
        before = task.get()
        task.delete()
        event = firestore_event(task.path, before, None)
    else:
        event = firestore_event(task.path, None, task.get())
    untouched = dump_tree(admin_db, admin_db.document(f"orgs/{org.org_id}"))

    with monkeypatch.context() as patch:
        if fault == "mid-transaction":  # the ledger transaction's second staged write is refused
            patch.setattr(Transaction, "set", fail_on_call(2, Transaction.set))
        elif fault == "after-commit":  # the effects are committed, the rollup never runs
            patch.setattr(counters, "rollup", fail_on_call(1, counters.rollup))
        else:  # the cascade deletes one comment, then the instance dies
            patch.setattr(tasks, "cascade_delete", cut_short)
        with pytest.raises(Injected):
            invoke(main.derive_task, event)

    applied = already_applied(admin_db, tasks.FN, event.id)
    if fault == "mid-transaction":  # all or nothing: nothing
        assert not applied
        assert dump_tree(admin_db, admin_db.document(f"orgs/{org.org_id}")) == untouched
    elif fault == "after-commit":  # all of the transaction (marker, shard, feed entry); the visible count lags
        assert applied
        assert task_stats(admin_db, project)[0] in (None, 0)
    else:
        assert len(list(task.collection("comments").list_documents())) == 1  # cut short: one left behind

    if healer == "retry":
        invoke(main.derive_task, event)
    else:
        reconcile_org(admin_db, org.org_id)
    want = (
        (0, {"todo": 0, "doing": 0, "done": 0}) if fault == "mid-cascade" else (1, {"todo": 0, "doing": 1, "done": 0})
    )
    assert task_stats(admin_db, project) == want
    assert not (wrong := invariant_violations(admin_db, [org.org_id])), "\n".join(wrong)
    invoke(main.derive_task, event)  # the retry comes after all (after a reconcile: only its feed entry is new)
    healed = dump_tree(admin_db, admin_db.document(f"orgs/{org.org_id}"))
    assert task_stats(admin_db, project) == want
    invoke(main.derive_task, event)  # and again: a duplicate changes nothing
    assert dump_tree(admin_db, admin_db.document(f"orgs/{org.org_id}")) == healed


# --- Commands ----------------------------------------------------------------------------


def _state(db: Client) -> dict[str, Any]:
    """Every document but the rate-limit windows (a write budget is spent before the attempt, by design)."""
    return {path: data for path, data in all_documents(db).items() if not path.startswith("rateLimits/")}


#: command -> (service module whose audit step fails, method, URL and body given the org and its objects)
COMMANDS: dict[str, tuple[str, Callable[[SeededOrg, dict[str, Any]], tuple[str, str, Any]]]] = {
    "create org": ("orgs", lambda org, o: ("POST", "/v1/orgs", {"name": "Half"})),
    "rename org": ("orgs", lambda org, o: ("PATCH", f"/v1/orgs/{org.org_id}", {"name": "Renamed"})),
    "invite": (
        "invites",
        lambda org, o: ("POST", f"/v1/orgs/{org.org_id}/invites", {"email": "x@example.com", "role": "viewer"}),
    ),
    "accept invite": ("invites", lambda org, o: ("POST", "/v1/invites/accept", {"token": o["token"]})),
    "change role": (
        "members",
        lambda org, o: ("PATCH", f"/v1/orgs/{org.org_id}/members/{org['member'].uid}", {"role": "viewer"}),
    ),
    "remove member": ("members", lambda org, o: ("DELETE", f"/v1/orgs/{org.org_id}/members/{org['member'].uid}", None)),
    "delete task": ("resources", lambda org, o: ("DELETE", task_url(org.org_id, o["project"], o["task"]), None)),
    "delete project": ("resources", lambda org, o: ("DELETE", project_url(org.org_id, o["project"]), None)),
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_command_that_fails_between_its_steps_leaves_no_partial_state(
    command: str,
    api: httpx.Client,
    admin_db: Client,
    local_api_url: str,
    make_org: Callable[..., SeededOrg],
    make_user: Callable[..., AuthUser],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib

    org = make_org(roles=("owner", "member"))
    project = create_project(api, org["owner"], org.org_id)["id"]
    guest = make_user()
    objects = {
        "project": project,
        "task": create_task(api, org["member"], org.org_id, project)["id"],
        "token": invite(api, org, guest.email, by="owner")["token"],
    }
    caller = guest if command == "accept invite" else org["owner"]
    module_name, request = COMMANDS[command]
    method, url, body = request(org, objects)
    before = _state(admin_db)
    service = importlib.import_module(f"firebrick.services.{module_name}")

    with monkeypatch.context() as patch, httpx.Client(base_url=local_api_url, timeout=60) as client:
        patch.setattr(service, "audit_by", fail_on_call(1, service.audit_by))  # after the command's own writes
        failed = client.request(method, url, json=body, headers=caller.headers)
    assert_problem(failed, 500, "internal")
    assert _state(admin_db) == before

    with httpx.Client(base_url=local_api_url, timeout=60) as client:  # nothing half-done stands in the way
        retried = client.request(method, url, json=body, headers=caller.headers)
    assert retried.status_code < 300, retried.text
    assert _state(admin_db) != before


# --- An unreachable database ---------------------------------------------------------------


@pytest.fixture(scope="module")
def api_without_firestore(emulators: Any) -> Iterator[str]:
    """The API under uvicorn with Firestore at a closed port (Auth stays reachable), calls bounded at 2 s."""
    import sys

    port = free_port()
    env = emulator_env(FIRESTORE_EMULATOR_HOST=f"127.0.0.1:{free_port()}", FIRESTORE_DEADLINE_SECONDS="2")
    command = [sys.executable, "-m", "uvicorn", "firebrick.asgi:app", "--host", "127.0.0.1", "--port", str(port)]
    with server(command, env, "/v1/health", port) as url:
        yield url


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_with_firestore_unreachable_the_api_answers_503_instead_of_hanging(
    method: str, api_without_firestore: str, make_user: Callable[..., AuthUser]
) -> None:
    user = make_user()
    body = {"name": "Nowhere"} if method == "POST" else None
    # The client's timeout is the bound: a hanging request fails the test (the library alone retries for 300 s).
    with httpx.Client(base_url=api_without_firestore, timeout=30) as client:
        response = client.request(method, "/v1/orgs", json=body, headers=user.headers)
    assert_problem(response, 503, "unavailable")
    assert response.headers["retry-after"] == "1"

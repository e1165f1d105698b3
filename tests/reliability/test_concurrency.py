"""Many clients at once: afterwards counts are exact, nothing is orphaned, every org keeps an owner
and claims match memberships.

Threads, each with a loopback client of its own, send a bounded, seeded mix of
commands to the API in this process (`local_api_url`). Background triggers are off,
as for every test not marked `triggers`: the derived state then settles by
delivering the deployed triggers in-process, concurrently, twice and shuffled
(`support.settle`), and `invariant_violations` recomputes everything from the
source documents. `FIREBRICK_BATTERY_SCALE` multiplies clients and rounds.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.api.test_invites import invite
from tests.reliability.support import invariant_violations, scale, settle
from tests.support.auth import AuthUser
from tests.support.orgs import SeededOrg, add_member
from tests.support.resources import (
    assert_problem,
    comment_url,
    comments_url,
    create_project,
    create_task,
    race,
    task_url,
    tasks_url,
)

if TYPE_CHECKING:
    from google.cloud.firestore import Client

pytestmark = pytest.mark.usefixtures("unmetered")

#: Every status a command may answer under this load; anything else (a 5xx, a 429) is a failure.
EXPECTED = {
    "create_task": {201, 404},
    "update_task": {200, 404},
    "delete_task": {204, 404},
    "comment": {201, 404},
    "edit_comment": {200, 404},
    "delete_comment": {204, 404},
    "change_role": {200, 404},
    "accept": {200},
    "leave": {204, 404},
}


@dataclass
class Load:
    """What the clients did: ids they made, what they deleted (path -> last data), every outcome."""

    org: SeededOrg
    projects: list[str]
    tasks: list[tuple[str, str]] = field(default_factory=list)
    comments: list[tuple[str, str, str, str]] = field(default_factory=list)  # project, task, comment, author
    deleted: dict[str, dict[str, Any]] = field(default_factory=dict)
    outcomes: Counter[tuple[str, int]] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, op: str, response: httpx.Response) -> bool:
        """Record the outcome; True when the command succeeded."""
        with self.lock:
            self.outcomes[(op, response.status_code)] += 1
        if response.status_code >= 300:
            assert_problem(response, response.status_code)
        return response.status_code < 300

    def unexpected(self) -> list[tuple[str, int]]:
        return [(op, status) for op, status in self.outcomes if status not in EXPECTED[op]]


def work(load: Load, user: AuthUser, role: str, rng: random.Random, client: httpx.Client, rounds: int) -> None:
    """`rounds` commands a user of `role` may send, picked at random, on the tasks and comments all share."""
    org_id, h = load.org.org_id, user.headers
    ops = ["create_task", "update_task", "comment", "edit_comment", "delete_comment"]
    ops += ["delete_task", "change_role"] if role in ("owner", "admin") else []
    for _ in range(rounds):
        op = rng.choice(ops)
        with load.lock:
            task = rng.choice(load.tasks) if load.tasks else None
            # Members edit and delete their own comments only (admins any): no 403 to expect.
            mine = [c for c in load.comments if role in ("owner", "admin") or c[3] == user.uid]
            comment = rng.choice(mine)[:3] if mine else None
        if op == "create_task" or task is None:
            project = rng.choice(load.projects)
            response = client.post(tasks_url(org_id, project), json={"title": f"t{rng.random()}"}, headers=h)
            if load.note("create_task", response):
                with load.lock:
                    load.tasks.append((project, response.json()["id"]))
        elif op == "update_task":
            status = rng.choice(["todo", "doing", "done"])
            load.note(op, client.patch(task_url(org_id, *task), json={"status": status}, headers=h))
        elif op == "delete_task":
            if load.note(op, client.delete(task_url(org_id, *task), headers=h)):
                with load.lock:
                    load.deleted[f"orgs/{org_id}/projects/{task[0]}/tasks/{task[1]}"] = {"title": "gone"}
        elif op == "comment" or comment is None:
            response = client.post(comments_url(org_id, *task), json={"body": "busy"}, headers=h)
            if load.note("comment", response):
                with load.lock:
                    load.comments.append((*task, response.json()["id"], user.uid))
        elif op == "edit_comment":
            load.note(op, client.patch(comment_url(org_id, *comment), json={"body": "edited"}, headers=h))
        elif op == "delete_comment":
            if load.note(op, client.delete(comment_url(org_id, *comment), headers=h)):
                path = f"orgs/{org_id}/projects/{comment[0]}/tasks/{comment[1]}/comments/{comment[2]}"
                with load.lock:
                    load.deleted[path] = {"body": "gone"}
        elif op == "change_role":
            guest = rng.choice([u for r, u in load.org.users.items() if r.startswith("guest")])
            url = f"/v1/orgs/{org_id}/members/{guest.uid}"
            load.note(op, client.patch(url, json={"role": rng.choice(["viewer", "member"])}, headers=h))


def guest_work(load: Load, guest: AuthUser, token: str, client: httpx.Client) -> None:
    """A guest accepts its invitation, then leaves (while admins change its role)."""
    org_id = load.org.org_id
    load.note("accept", client.post("/v1/invites/accept", json={"token": token}, headers=guest.headers))
    url = f"/v1/orgs/{org_id}/members/{guest.uid}"
    if load.note("leave", client.delete(url, headers=guest.headers)):
        with load.lock:
            load.deleted[f"orgs/{org_id}/members/{guest.uid}"] = {"uid": guest.uid, "role": "member"}


def test_many_clients_leave_every_invariant_intact(
    api: httpx.Client,
    admin_db: Client,
    local_api_url: str,
    make_org: Callable[..., SeededOrg],
    make_user: Callable[..., AuthUser],
) -> None:
    org = make_org()
    load = Load(org, [create_project(api, org["admin"], org.org_id, name=f"P{i}")["id"] for i in range(2)])
    for project in load.projects:
        load.tasks += [(project, create_task(api, org["member"], org.org_id, project)["id"]) for _ in range(3)]
    guests = [make_user() for _ in range(2 * scale())]
    tokens = [invite(api, org, guest.email)["token"] for guest in guests]
    org.users.update({f"guest{i}": guest for i, guest in enumerate(guests)})
    rounds = 10 * scale()
    clients: list[Callable[[httpx.Client], Any]] = []
    for i in range(scale()):
        for j, role in enumerate(("owner", "admin", "member", "member")):
            rng = random.Random(f"{i}:{j}")
            clients.append(lambda c, u=org[role], r=role, g=rng: work(load, u, r, g, c, rounds))
    clients += [
        lambda c, g=guest, t=token: guest_work(load, g, t, c) for guest, token in zip(guests, tokens, strict=True)
    ]

    race(local_api_url, clients)

    assert load.unexpected() == [], load.outcomes
    done = Counter(op for (op, status), n in load.outcomes.items() for _ in range(n) if status < 300)
    assert min(done["create_task"], done["update_task"], done["comment"]) > 0, load.outcomes
    assert done["accept"] == len(guests)
    settle(admin_db, [org.org_id], load.deleted)
    assert not (wrong := invariant_violations(admin_db, [org.org_id])), "\n".join(wrong)


def test_the_same_invitation_accepted_twice_at_once_admits_one_member(
    api: httpx.Client,
    admin_db: Client,
    local_api_url: str,
    make_org: Callable[..., SeededOrg],
    make_user: Callable[..., AuthUser],
) -> None:
    org = make_org(roles=("owner", "admin"))
    guests = [make_user() for _ in range(2 * scale())]
    for guest in guests:
        created = invite(api, org, guest.email)
        accept = {"json": {"token": created["token"]}, "headers": guest.headers}
        responses = race(local_api_url, [lambda c, a=accept: c.post("/v1/invites/accept", **a)] * 2)
        assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
        assert_problem(next(r for r in responses if r.status_code == 409), 409)
        assert admin_db.document(f"orgs/{org.org_id}/invites/{created['id']}").get().get("acceptedBy") == guest.uid
    settle(admin_db, [org.org_id], {})
    assert not (wrong := invariant_violations(admin_db, [org.org_id])), "\n".join(wrong)
    assert admin_db.document(f"orgs/{org.org_id}").get().get("stats.memberCount") == 2 + len(guests)


def test_two_owners_leaving_at_once_leave_one_owner(
    admin_db: Client, local_api_url: str, make_org: Callable[..., SeededOrg], make_user: Callable[..., AuthUser]
) -> None:
    org = make_org(roles=("owner",))
    staying, deleted = org["owner"], {}
    for i in range(3 * scale()):  # each round a new co-owner, and both try to leave at once
        joining = make_user(display_name=f"Owner {i}")
        add_member(admin_db, org.org_id, joining.uid, "owner", display_name=f"Owner {i}")
        admin_db.document(f"users/{joining.uid}").set({"displayName": f"Owner {i}", "email": joining.email})
        pair = [staying, joining]
        responses = race(
            local_api_url,
            [lambda c, u=u: c.delete(f"/v1/orgs/{org.org_id}/members/{u.uid}", headers=u.headers) for u in pair],
        )
        assert sorted(r.status_code for r in responses) == [204, 409], [r.text for r in responses]
        assert_problem(next(r for r in responses if r.status_code == 409), 409, "failed_precondition")
        left = pair[[r.status_code for r in responses].index(204)]
        staying = pair[1 - pair.index(left)]
        deleted[f"orgs/{org.org_id}/members/{left.uid}"] = {"uid": left.uid, "role": "owner"}
    settle(admin_db, [org.org_id], deleted)
    assert not (wrong := invariant_violations(admin_db, [org.org_id])), "\n".join(wrong)
    owners = [s.id for s in admin_db.collection(f"orgs/{org.org_id}/members").stream()]
    assert owners == [staying.uid]

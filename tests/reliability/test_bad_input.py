"""Bad input: every malformed, oversized or hostile request is a 4xx problem+json and writes nothing.

Each case is one request to a command that writes when it succeeds (so "nothing
written" means something), sent to the API in this process by a caller allowed to
make it; the whole database is compared before and after (rate-limit windows aside:
a write budget is spent before the attempt, by design). One org serves the module,
so the cases stay cheap; `FIREBRICK_BATTERY_SCALE` > 1 adds more random junk bodies.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from firebrick_testing import RulesTestEnv
from tests.reliability.support import all_documents, scale
from tests.support.auth import AuthEmulator, AuthUser
from tests.support.emulators import TriggerSwitch
from tests.support.orgs import seed_org
from tests.support.resources import assert_problem, comments_url, projects_url, tasks_url
from tests.triggers.support import seed_project, seed_task

if TYPE_CHECKING:
    from google.cloud.firestore import Client

MIB = 1024 * 1024
DEEP = 100_000


@dataclass
class Target:
    db: Client
    admin: AuthUser
    org_id: str
    client: httpx.Client

    def state(self) -> dict[str, Any]:
        return {path: data for path, data in all_documents(self.db).items() if not path.startswith("rateLimits/")}


@pytest.fixture(scope="module")
def target(
    local_api_url: str, rules_env: RulesTestEnv, trigger_switch: TriggerSwitch, auth_emulator: AuthEmulator
) -> Iterator[Target]:
    """An org (an admin, a project `p1`, a task `t1`) seeded once for every case of the module."""
    from firebrick.clients import firestore_client

    trigger_switch.set(enabled=False)
    rules_env.clear_firestore()
    db = firestore_client()
    org = seed_org(db, auth_emulator, roles=("admin",))
    seed_task(db, seed_project(db, org.org_id, "p1"), "t1")
    with httpx.Client(base_url=local_api_url, timeout=60) as client:
        yield Target(db, org["admin"], org.org_id, client)


def chunked(body: bytes, size: int = 64 * 1024) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


def nested(depth: int, open_: str, close: str) -> bytes:
    return ('{"name": ' + open_ * depth + "1" + close * depth + "}").encode()


JSON = {"Content-Type": "application/json"}

#: id -> (path template, headers, body); `{org}` is the org's id. Bodies are bytes, or an iterator (chunked).
BODIES: dict[str, tuple[str, dict[str, str], Any]] = {
    "malformed json": ("projects", JSON, b'{"name": '),
    "trailing garbage": ("projects", JSON, b'{"name": "a"} x'),
    "single quotes": ("projects", JSON, b"{'name': 'a'}"),
    "nan": ("projects", JSON, b'{"name": "a", "description": NaN}'),
    "huge number": ("projects", JSON, b'{"name": 1e400}'),
    "invalid utf-8": ("projects", JSON, b'{"name": "\xff\xfe"}'),
    "deeply nested arrays": ("projects", JSON, nested(DEEP, "[", "]")),
    "deeply nested objects": ("projects", JSON, nested(DEEP, '{"a": ', "}")),
    "moderately nested": ("projects", JSON, nested(200, "[", "]")),
    "top-level array": ("projects", JSON, b'[{"name": "a"}]'),
    "top-level null": ("projects", JSON, b"null"),
    "top-level string": ("projects", JSON, b'"a"'),
    "empty body": ("projects", JSON, b""),
    "unknown field": ("projects", JSON, b'{"name": "a", "stats": {"taskCount": 99}}'),
    "wrong type": ("projects", JSON, b'{"name": 7}'),
    "null name": ("projects", JSON, b'{"name": null}'),
    "text/plain": ("projects", {"Content-Type": "text/plain"}, b'{"name": "a"}'),
    "form encoded": ("projects", {"Content-Type": "application/x-www-form-urlencoded"}, b"name=a"),
    "multipart": (
        "projects",
        {"Content-Type": "multipart/form-data; boundary=x"},
        b'--x\r\nContent-Disposition: form-data; name="name"\r\n\r\na\r\n--x--\r\n',
    ),
    "no content type": ("projects", {}, b'{"name": "a"}'),
    "xml": ("projects", {"Content-Type": "application/xml"}, b"<name>a</name>"),
    "body over 1 MiB": ("projects", JSON, b'{"name": "' + b"a" * MIB + b'"}'),
    "chunked over 1 MiB": ("projects", JSON, chunked(b'{"name": "' + b"a" * MIB + b'"}')),
    "chunked malformed": ("projects", JSON, chunked(b'{"name": ' * 1000)),
    "NUL in name": ("projects", JSON, json.dumps({"name": "a\u0000b"}).encode()),
    "lone surrogate": ("projects", JSON, b'{"name": "a\\ud800b"}'),
    "lone low surrogate": ("projects", JSON, b'{"name": "\\udfff"}'),
    "RTL override in name": ("projects", JSON, json.dumps({"name": "invoice\u202egpj.exe"}).encode()),
    "RTL override in task title": ("tasks", JSON, json.dumps({"title": "pay \u202eno\u202c now"}).encode()),
    "isolate in comment": ("comments", JSON, json.dumps({"body": "ok \u2067hidden"}).encode()),
    "very long name": ("projects", JSON, json.dumps({"name": "x" * 100_000}).encode()),
    "very long comment": ("comments", JSON, json.dumps({"body": "y" * 200_000}).encode()),
    "only whitespace": ("projects", JSON, json.dumps({"name": " \t "}).encode()),
    "escape sequences": ("projects", JSON, json.dumps({"name": "\x1b[31mred"}).encode()),
}

PATHS = {
    "projects": lambda org: projects_url(org),
    "tasks": lambda org: tasks_url(org, "p1"),
    "comments": lambda org: comments_url(org, "p1", "t1"),
}

#: Ids in paths: id -> (method, path template with `{org}`, JSON body).
IDS: dict[str, tuple[str, str, Any]] = {
    "slash in project id": ("POST", "/v1/orgs/{org}/projects/a%2Fb/tasks", {"title": "x"}),
    "dot-dot project id": ("POST", "/v1/orgs/{org}/projects/../tasks", {"title": "x"}),
    "encoded dot-dot": ("POST", "/v1/orgs/{org}/projects/%2E%2E/tasks", {"title": "x"}),
    "dunder project id": ("POST", "/v1/orgs/{org}/projects/__name__/tasks", {"title": "x"}),
    "dunder task id": ("PATCH", "/v1/orgs/{org}/projects/p1/tasks/__id__", {"title": "x"}),
    "dot task id": ("PATCH", "/v1/orgs/{org}/projects/p1/tasks/.", {"title": "x"}),
    "leading underscore": ("PATCH", "/v1/orgs/{org}/projects/p1/tasks/_t1", {"title": "x"}),
    "dunder org id": ("POST", "/v1/orgs/__org__/projects", {"name": "x"}),
    "NUL in id": ("PATCH", "/v1/orgs/{org}/projects/p1/tasks/t%001", {"title": "x"}),
    "unicode id": ("PATCH", "/v1/orgs/{org}/projects/p1/tasks/t%E2%80%AE1", {"title": "x"}),
    "overlong id": ("PATCH", "/v1/orgs/{org}/projects/p1/tasks/" + "t" * 2000, {"title": "x"}),
    "slash in member uid": ("PATCH", "/v1/orgs/{org}/members/a%2F..%2Fb", {"role": "viewer"}),
    "assignee with slash": ("PATCH", "/v1/orgs/{org}/projects/p1/tasks/t1", {"assigneeUid": "../u"}),
}

#: Headers the API reads, oversized or malformed: id -> (method, path template, headers over the admin's).
HEADERS: dict[str, tuple[str, str, dict[str, str]]] = {
    "huge authorization": ("POST", "/v1/orgs/{org}/projects", {"Authorization": "Bearer " + "a" * 8000}),
    "non-ascii authorization": ("POST", "/v1/orgs/{org}/projects", {"Authorization": "Bearer tökén"}),
    "huge idempotency key": ("POST", "/v1/orgs/{org}/projects", {"Idempotency-Key": "k" * 8000}),
    "huge if-match": ("PATCH", "/v1/orgs/{org}/projects/p1/tasks/t1", {"If-Match": '"' + "e" * 8000 + '"'}),
    "malformed if-match": ("PATCH", "/v1/orgs/{org}/projects/p1/tasks/t1", {"If-Match": 'W/"\x01'}),
}


def _check(t: Target, response: httpx.Response, before: dict[str, Any]) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert_problem(response, response.status_code)
    assert t.state() == before


@pytest.mark.parametrize("case", list(BODIES))
def test_bad_bodies_are_4xx_problems_and_write_nothing(case: str, target: Target) -> None:
    where, headers, body = BODIES[case]
    before = target.state()
    response = target.client.post(
        PATHS[where](target.org_id), content=body, headers={**target.admin.headers, **headers}
    )
    _check(target, response, before)


@pytest.mark.parametrize("case", list(IDS))
def test_bad_ids_are_4xx_problems_and_write_nothing(case: str, target: Target) -> None:
    method, path, body = IDS[case]
    before = target.state()
    response = target.client.request(method, path.format(org=target.org_id), json=body, headers=target.admin.headers)
    _check(target, response, before)


@pytest.mark.parametrize("case", list(HEADERS))
def test_bad_headers_are_4xx_and_write_nothing(case: str, target: Target) -> None:
    method, path, extra = HEADERS[case]
    before = target.state()
    headers = [(k.encode(), v.encode()) for k, v in {**target.admin.headers, **JSON, **extra}.items()]
    body = json.dumps({"title": "x"} if method == "PATCH" else {"name": "x"}).encode()
    response = target.client.request(method, path.format(org=target.org_id), content=body, headers=headers)
    _check(target, response, before)


@pytest.mark.parametrize("seed", range(8 * scale()))
def test_random_junk_bodies_are_4xx_and_write_nothing(seed: int, target: Target) -> None:
    rng = random.Random(seed)
    junk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4096)))
    before = target.state()
    response = target.client.post(projects_url(target.org_id), content=junk, headers={**target.admin.headers, **JSON})
    _check(target, response, before)

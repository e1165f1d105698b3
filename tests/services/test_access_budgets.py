"""Write budgets: every write command, REST or callable, spends the caller's and the org's budget.

The API matrix's rows (tests/api/test_matrix.py) name every route and callable with a
request that works; with a budget of zero each write must answer 429 problem+json with
`Retry-After` (callables: `resource-exhausted`), and reads must still answer. The API
runs in this process, so the settings a test changes are the ones it reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from firebrick.config import get_settings
from firebrick.errors import RateLimited
from firebrick.models.refs import OrgRef
from firebrick.models.tokens import ServiceTokenCreate
from firebrick.services import access
from firebrick.services.service_tokens import create_service_token
from tests.api.test_matrix import CALLABLE_ROWS, ROWS, Call, CallableRow, Row, World, seed_world
from tests.support.auth import AuthEmulator
from tests.support.orgs import SeededOrg, caller_of

if TYPE_CHECKING:
    from google.cloud.firestore import Client

#: Sign-up and sign-in have limits of their own (per IP, per failed attempt): docs/identity.md.
OWN_LIMITS = {("POST", "/v1/auth/register"), ("POST", "/v1/auth/login")}
WRITE_ROWS = [row for row in ROWS if row.method != "GET" and (row.method, row.path) not in OWN_LIMITS]


@pytest.fixture
def world(admin_db: Client, auth_emulator: AuthEmulator) -> World:
    """The matrix's org: a user per role, an outsider, a platform admin."""
    return seed_world(admin_db, auth_emulator, "Budgets")


@pytest.fixture
def budgets(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Set the per-user and per-org budgets (a minute each) for the rest of the test."""

    def set_budgets(*, user: int = 10**6, org: int = 10**6) -> None:
        monkeypatch.setattr(get_settings(), "writes_per_user_per_minute", user)
        monkeypatch.setattr(get_settings(), "writes_per_org_per_minute", org)

    return set_budgets


def _send(local_api: httpx.Client, row: Row, world: World, call: Call) -> httpx.Response:
    owner = world.callers["owner"]
    assert owner is not None
    params = {"orgId": world.org.org_id, **call.params}
    return local_api.request(row.method, row.path.format(**params), json=call.body, headers=owner.headers)


def _in_an_org(row: Row) -> bool:
    return "{orgId}" in row.path or row.path == "/v1/invites/accept"  # an invitation names its org


@pytest.mark.parametrize("budget", ["user", "org"])
def test_every_write_route_spends_the_budgets(
    budget: str, world: World, local_api: httpx.Client, budgets: Callable[..., None]
) -> None:
    rows = [row for row in WRITE_ROWS if budget == "user" or _in_an_org(row)]
    assert len(rows) >= (15 if budget == "org" else 25)
    for row in rows:
        budgets()  # the row's preparation writes through the services too
        call = row.prepare(world)
        budgets(**{budget: 0})
        response = _send(local_api, row, world, call)
        assert response.status_code == 429, (row.id, response.status_code, response.text)
        assert response.json()["code"] == "rate_limited", row.id
        assert 1 <= int(response.headers["retry-after"]) <= 60, row.id


def test_reads_spend_nothing(world: World, local_api: httpx.Client, budgets: Callable[..., None]) -> None:
    budgets(user=0, org=0)
    owner = world.callers["owner"]
    assert owner is not None
    for path in ("/v1/me", "/v1/orgs", f"/v1/orgs/{world.org.org_id}", f"/v1/orgs/{world.org.org_id}/members"):
        assert local_api.get(path, headers=owner.headers).status_code == 200, path


@pytest.mark.parametrize("row", CALLABLE_ROWS, ids=lambda row: row.name)
def test_every_callable_spends_the_user_budget(row: CallableRow, world: World, budgets: Callable[..., None]) -> None:
    import main

    from firebrick_testing.callables import CallableError, call

    owner = world.callers["owner"]
    assert owner is not None
    data: dict[str, Any] = row.payload(world)
    budgets(user=0)
    with pytest.raises(CallableError) as refused:
        call(getattr(main, row.name), data, id_token=owner.id_token)
    assert refused.value.code == "resource-exhausted"
    assert refused.value.details["code"] == "rate_limited"


def test_service_tokens_spend_their_orgs_budget(
    admin_db: Client, make_org: Callable[..., SeededOrg], budgets: Callable[..., None], local_api: httpx.Client
) -> None:
    org = make_org(roles=("admin",))
    body = ServiceTokenCreate.model_validate({"name": "ci", "role": "member", "expiresInDays": 1})
    token = create_service_token(caller_of(admin_db, org["admin"]), OrgRef(org_id=org.org_id), body).resource.token
    machine = {"Authorization": f"Bearer {token}"}
    budgets(org=2)
    projects = f"/v1/orgs/{org.org_id}/projects"
    assert local_api.post(projects, json={"name": "x"}, headers=org["admin"].headers).status_code == 201
    created = [local_api.post(f"{projects}/missing/tasks", json={"title": "t"}, headers=machine) for _ in range(2)]
    assert [r.status_code for r in created] == [404, 429]  # allowed (then not found), then over the org's budget


def test_the_budget_holds_under_racing_writers(admin_db: Client, budgets: Callable[..., None]) -> None:
    from tests.state.test_rate_limit import race

    budgets(user=7)
    outcomes = race(12, lambda: access.spend_write(admin_db, "u-racer"))
    assert outcomes == {"ok": 7, RateLimited.__name__: 5}
    budgets(user=10**6, org=3)
    outcomes = race(8, lambda: access.spend_write(admin_db, "u-other", "org-raced"))
    assert outcomes == {"ok": 3, RateLimited.__name__: 5}

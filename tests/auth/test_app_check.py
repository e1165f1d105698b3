"""App Check enforced: REST routes and callables need a valid `X-Firebase-AppCheck`; service tokens are exempt.

Each side runs in an instance of its own with `ENFORCE_APP_CHECK=true`: the API
under uvicorn, a callable of main.py under functions-framework (as Cloud
Functions serves it). Tokens are signed here; the instance verifies them with
firebase_admin against our key set (`APP_CHECK_JWKS`, emulators only), the
checks themselves being the SDK's own (signature, alg, typ, audience, issuer, expiry).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import httpx
import pytest

from firebrick.models.refs import OrgRef
from firebrick.models.tokens import ServiceTokenCreate
from firebrick.services.service_tokens import create_service_token
from tests.support.app_check import AppCheckKeys, rsa_key
from tests.support.emulators import Emulators
from tests.support.instances import emulator_env, free_port, server
from tests.support.orgs import SeededOrg, caller_of

if TYPE_CHECKING:
    from google.cloud.firestore import Client

HEADER = "X-Firebase-AppCheck"


@pytest.fixture(scope="module")
def keys() -> AppCheckKeys:
    return AppCheckKeys()


def enforcing(keys: AppCheckKeys, **extra: str) -> dict[str, str]:
    return emulator_env(ENFORCE_APP_CHECK="true", APP_CHECK_JWKS=keys.jwks, **extra)


@pytest.fixture(scope="module")
def rest(keys: AppCheckKeys, emulators: Emulators) -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "firebrick.asgi:app", "--port", str(port), "--log-level", "warning"]
    with server(command, enforcing(keys), "/v1/health", port) as url:
        yield url


@pytest.fixture(scope="module")
def callable_url(keys: AppCheckKeys, emulators: Emulators) -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "functions_framework", "--target", "projects_create", "--port", str(port)]
    with server(command, enforcing(keys, FUNCTION_TARGET="projects_create"), "/", port) as url:
        yield url


def bad_tokens(keys: AppCheckKeys, project_id: str) -> dict[str, str]:
    past = int((datetime.now(UTC) - timedelta(hours=2)).timestamp())
    return {
        "foreign key": keys.sign(project_id, key=rsa_key()),
        "unknown kid": keys.sign(project_id, kid="someone-else"),
        "expired": keys.sign(project_id, iat=past, exp=past + 60),
        "other project": keys.sign(project_id, aud=["projects/1", "projects/another-project"]),
        "not app check": keys.sign(project_id, iss="https://securetoken.google.com/x"),
        "garbage": "not-a-token",
    }


def test_rest_needs_a_valid_app_check_token(
    rest: str, keys: AppCheckKeys, make_org: Callable[..., SeededOrg], emulators: Emulators
) -> None:
    org = make_org(roles=("member",))
    url, user = f"{rest}/v1/orgs/{org.org_id}", org["member"]
    valid = keys.sign(emulators.project_id)
    assert httpx.get(url, headers={**user.headers, HEADER: valid}).status_code == 200

    refused = httpx.get(url, headers=user.headers)
    assert refused.status_code == 401
    assert refused.json()["detail"] == "A valid App Check token is required"
    for case, token in bad_tokens(keys, emulators.project_id).items():
        assert httpx.get(url, headers={**user.headers, HEADER: token}).status_code == 401, case
    # Before any credential is looked at: signing in needs App Check too.
    login = {"email": user.email, "password": user.password}
    assert httpx.post(f"{rest}/v1/auth/login", json=login).status_code == 401


def test_service_tokens_are_exempt_but_only_real_ones(
    rest: str, admin_db: Client, make_org: Callable[..., SeededOrg]
) -> None:
    org = make_org(roles=("admin",))
    body = ServiceTokenCreate.model_validate({"name": "ci", "role": "member", "expiresInDays": 1})
    token = create_service_token(caller_of(admin_db, org["admin"]), OrgRef(org_id=org.org_id), body).resource.token
    projects = f"{rest}/v1/orgs/{org.org_id}/projects"
    assert httpx.get(projects, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    # A made-up service token must not open the routes that read no bearer (sign-in).
    forged = {"Authorization": "Bearer fbst_forged.token.value"}
    login = httpx.post(f"{rest}/v1/auth/login", json={"email": "a@example.com", "password": "x" * 12}, headers=forged)
    assert login.status_code == 401


def test_liveness_and_jwks_stay_open(rest: str) -> None:
    assert httpx.get(f"{rest}/v1/health").status_code == 200
    assert httpx.get(f"{rest}/v1/.well-known/jwks.json").status_code == 200


def call(url: str, token: str, data: object, app_check: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", **({HEADER: app_check} if app_check else {})}
    return httpx.post(url, json={"data": data}, headers=headers, timeout=60)


def test_callables_enforce_app_check(
    callable_url: str, keys: AppCheckKeys, make_org: Callable[..., SeededOrg], emulators: Emulators
) -> None:
    org = make_org(roles=("admin",))
    token, data = org["admin"].id_token, {"orgId": org.org_id, "name": "Checked"}
    refused = call(callable_url, token, data)
    assert refused.status_code == 401
    assert refused.json()["error"]["status"] == "UNAUTHENTICATED"
    assert call(callable_url, token, data, keys.sign(emulators.project_id, key=rsa_key())).status_code == 401

    created = call(callable_url, token, data, keys.sign(emulators.project_id))
    assert created.status_code == 200, created.text
    assert created.json()["result"]["name"] == "Checked"


def test_the_document_declares_the_header_and_its_401_on_every_gated_operation(rest: str) -> None:
    doc = httpx.get(f"{rest}/v1/openapi.json", timeout=30).json()
    open_paths = {"/v1/health", "/v1/.well-known/jwks.json"}
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            gated = path not in open_paths
            assert (HEADER in headers) is gated, f"{method.upper()} {path}"
            if gated:
                assert "401" in operation["responses"], f"{method.upper()} {path}"

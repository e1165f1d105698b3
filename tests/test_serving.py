"""A function instance checks its configuration at its first request: production refuses, naming what is missing.

Each case starts a fresh process (settings are read once per process) and sends
one request through `serving.serve`, as the `api` function does.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.support.instances import STRONG_SECRET, emulator_env, production_env, run_python, valid_keyset
from tests.support.orgs import SeededOrg

FIRST_REQUEST = """
import json
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request
import main  # discovery's import: must not need any secret
from firebrick.serving import serve
response = serve(Request(EnvironBuilder(method="GET", path="/v1/health").get_environ()))
print(json.dumps({"status": response.status_code, "body": response.get_json()}))
"""

SECRETS = ("FIREBRICK_AUTH_SECRET", "INVITE_TOKEN_SECRET", "SERVICE_TOKEN_KEYS")


def first_request(env: dict[str, str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    return run_python(FIRST_REQUEST, env)


def refusal(lines: list[dict[str, Any]]) -> str:
    critical = [line for line in lines if line["severity"] == "CRITICAL"]
    assert len(critical) == 1, lines
    assert critical[0]["message"].startswith("refusing to start: ")
    return str(critical[0]["message"])


def configured(**overrides: str) -> dict[str, str]:
    values = {
        "FIREBRICK_AUTH_SECRET": STRONG_SECRET,
        "INVITE_TOKEN_SECRET": STRONG_SECRET[::-1],
        "SERVICE_TOKEN_KEYS": valid_keyset(),
        "WEB_API_KEY": "prod-web-api-key",
    }
    return {**values, **overrides}


@pytest.mark.parametrize("project", ["acme-prod", "demo-x"])
def test_production_start_without_secrets_refuses_naming_each(project: str) -> None:
    # demo-x too: on Cloud Functions (K_SERVICE set) nothing falls back to development values.
    lines, answer = first_request(production_env(GCLOUD_PROJECT=project))
    assert answer["status"] == 503
    assert answer["body"]["code"] == "unavailable"
    assert answer["body"]["detail"] == "The service is not configured"  # the client learns no setting names
    message = refusal(lines)
    for name in (*SECRETS, "WEB_API_KEY"):
        assert f"{name} is not set" in message


def test_weak_or_malformed_secrets_are_named_never_shown() -> None:
    weak, broken = "short-but-secret", '{"active": "k1", "keys": "not-a-list-secret"}'
    env = production_env(
        GCLOUD_PROJECT="acme-prod", **configured(FIREBRICK_AUTH_SECRET=weak, SERVICE_TOKEN_KEYS=broken)
    )
    lines, answer = first_request(env)
    assert answer["status"] == 503
    message = refusal(lines)
    assert "FIREBRICK_AUTH_SECRET must be at least 32 bytes" in message
    assert "SERVICE_TOKEN_KEYS is not a key set" in message
    assert "INVITE_TOKEN_SECRET" not in message
    assert "WEB_API_KEY" not in message
    everything = repr(lines) + repr(answer)
    assert weak not in everything
    assert "not-a-list-secret" not in everything


def test_production_start_with_every_setting_serves() -> None:
    lines, answer = first_request(production_env(GCLOUD_PROJECT="acme-prod", **configured()))
    assert answer == {"status": 200, "body": {"status": "ok"}}
    assert not [line for line in lines if line["severity"] == "CRITICAL"]


def test_functions_emulator_instance_needs_its_secret_local_values() -> None:
    # The Functions emulator sets K_SERVICE (and FUNCTIONS_EMULATOR): secrets come from
    # functions/.secret.local there, and an instance without them refuses like production.
    emulator = {
        "K_SERVICE": "api",
        "FUNCTION_TARGET": "api",
        "FUNCTIONS_EMULATOR": "true",
        "GCLOUD_PROJECT": os.environ.get("GCLOUD_PROJECT", "demo-firebrick"),
        "FIRESTORE_EMULATOR_HOST": os.environ.get("FIRESTORE_EMULATOR_HOST", "127.0.0.1:8080"),
        "FIREBASE_AUTH_EMULATOR_HOST": os.environ.get("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099"),
    }
    lines, answer = first_request(emulator_env(**emulator, **configured(WEB_API_KEY="")))
    assert answer["status"] == 200, lines

    bare = {name: value for name, value in emulator_env(**emulator).items() if name not in SECRETS}
    lines, answer = first_request(bare)
    assert answer["status"] == 503
    message = refusal(lines)
    assert all(f"{name} is not set" in message for name in SECRETS)
    assert "WEB_API_KEY" not in message  # the Auth emulator takes any key


def test_a_chunked_body_reaches_the_app_and_over_the_limit_is_413(
    api: httpx.Client, make_org: Callable[..., SeededOrg]
) -> None:
    """Through the Functions emulator (werkzeug -> ASGI): a chunked body used to arrive empty (422)."""
    from tests.api.test_middleware import LIMIT, chunks

    org = make_org(roles=("admin",))
    headers = {**org["admin"].headers, "Content-Type": "application/json"}
    url = f"/v1/orgs/{org.org_id}/projects"
    small = api.post(url, content=iter([b'{"name": ', b'"Chunked"}']), headers=headers)
    assert small.status_code == 201, small.text
    large = api.post(url, content=chunks(LIMIT + 1), headers=headers)
    assert large.status_code == 413, large.text
    assert large.json()["code"] == "payload_too_large"

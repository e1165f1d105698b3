"""Logs Cloud Logging parses: one closing line per request and per delivery, and never a credential in any line.

The API runs in this process (`api_in_process`) and every record of the
`firebrick` loggers is captured as the JSON line it becomes on stdout.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from firebrick import logs
from firebrick.config import development_secrets
from tests.support.identity import STRONG_PASSWORD, new_email, set_cookies, totp_code
from tests.support.orgs import SeededOrg
from tests.support.secrets import find_secrets

PROJECT = "demo-x"
CLOUD_TRACE = "105445aa7843bc8bf206b12000100000/1;o=1"
TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


class Captured(logging.Handler):
    """Every record as the JSON line the formatter writes to stdout."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logs.CloudLoggingFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def parsed(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.lines]

    def requests(self, at_least: int = 0) -> list[dict[str, Any]]:
        """The closing lines of requests; waits (a little) for `at_least` of them.

        The server writes a request's line once the response is sent, so the client may see
        the response first.
        """
        deadline = time.monotonic() + 5
        while True:
            found = [line for line in self.parsed() if "httpRequest" in line]
            if len(found) >= at_least or time.monotonic() > deadline:
                return found
            time.sleep(0.02)


@pytest.fixture
def captured() -> Iterator[Captured]:
    logs.configure_logging()  # first: it sets the handlers of the `firebrick` logger once
    root = logging.getLogger("firebrick")
    handler, level = Captured(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)  # debug lines too: none may hold a secret either
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_trace_from_cloud_trace_context_or_traceparent() -> None:
    assert logs.trace_fields(PROJECT, CLOUD_TRACE, TRACEPARENT) == {
        logs.TRACE: f"projects/{PROJECT}/traces/105445aa7843bc8bf206b12000100000",
        logs.SPAN: "0000000000000001",
        logs.SAMPLED: True,
    }
    assert logs.trace_fields(PROJECT, None, TRACEPARENT) == {
        logs.TRACE: f"projects/{PROJECT}/traces/0af7651916cd43dd8448eb211c80319c",
        logs.SPAN: "b7ad6b7169203331",
        logs.SAMPLED: True,
    }
    assert logs.trace_fields(PROJECT, "not-a-trace", "00-nope") == {}


def test_one_access_line_per_request_with_trace_ids_and_outcome(
    local_api: httpx.Client, captured: Captured, make_org: Callable[..., SeededOrg]
) -> None:
    org = make_org(roles=("member",))
    member = org["member"]
    response = local_api.get(f"/v1/orgs/{org.org_id}", headers={**member.headers, "X-Cloud-Trace-Context": CLOUD_TRACE})
    assert response.status_code == 200
    (line,) = captured.requests(at_least=1)
    project = line[logs.TRACE].split("/")[1]
    assert line[logs.TRACE] == f"projects/{project}/traces/105445aa7843bc8bf206b12000100000"
    assert line["severity"] == "INFO"
    assert line["httpRequest"]["requestMethod"] == "GET"
    assert line["httpRequest"]["requestUrl"] == f"/v1/orgs/{org.org_id}"
    assert line["httpRequest"]["status"] == 200
    assert re.fullmatch(r"\d+\.\d{6}s", line["httpRequest"]["latency"])
    assert line["requestId"] == response.headers["x-request-id"]
    assert (line["uid"], line["orgId"], line["function"]) == (member.uid, org.org_id, "api")

    assert local_api.get(f"/v1/orgs/{org.org_id}", headers={"traceparent": TRACEPARENT}).status_code == 401
    refused = captured.requests(at_least=2)[-1]
    assert refused["severity"] == "WARNING"
    assert refused[logs.TRACE].endswith("/traces/0af7651916cd43dd8448eb211c80319c")
    assert "uid" not in refused


def test_callable_requests_log_one_line_with_their_ids(captured: Captured, make_org: Callable[..., SeededOrg]) -> None:
    from firebase_functions import https_fn

    from firebrick.callables import handle
    from firebrick.clients import firebase_app
    from firebrick_testing.callables import call

    firebase_app()  # the SDK verifies the caller's ID token with the default app

    @logs.log_requests
    @https_fn.on_call()
    def projects_create(req: https_fn.CallableRequest[Any]) -> Any:
        return handle("projects_create", req)

    org = make_org(roles=("admin",))
    data = {"orgId": org.org_id, "name": "Logged"}
    call(projects_create, data, id_token=org["admin"].id_token, headers={"traceparent": TRACEPARENT})
    (line,) = captured.requests(at_least=1)
    assert line["message"] == "POST / 200"
    assert (line["function"], line["uid"], line["orgId"]) == ("projects_create", org["admin"].uid, org.org_id)
    assert line[logs.TRACE].endswith("/traces/0af7651916cd43dd8448eb211c80319c")
    assert re.fullmatch(r"[A-Za-z0-9]{20}", line["requestId"])


def test_deliveries_log_function_event_org_and_outcome(captured: Captured) -> None:
    @dataclass
    class Event:
        id: str
        params: dict[str, str]

    @logs.log_deliveries
    def derive_thing(event: Event) -> None:
        logging.getLogger("firebrick.triggers").info("inside")

    @logs.log_deliveries
    def broken(event: Event) -> None:
        raise RuntimeError("boom")

    derive_thing(Event("evt-1", {"orgId": "o1", "taskId": "t1"}))
    with pytest.raises(RuntimeError):
        broken(Event("evt-2", {"orgId": "o2"}))
    inside, done, failed = captured.parsed()
    assert (inside["eventId"], inside["function"]) == ("evt-1", "derive_thing")  # every line of the delivery
    assert done["message"] == "derive_thing ok"
    assert (done["outcome"], done["eventId"], done["orgId"], done["severity"]) == ("ok", "evt-1", "o1", "INFO")
    assert (failed["outcome"], failed["error"], failed["severity"]) == ("error", "RuntimeError", "ERROR")


@dataclass
class Flow:
    """What a client holds during the auth flows: every value here must stay out of the logs."""

    secrets: dict[str, str]

    def keep(self, name: str, value: str) -> str:
        self.secrets[f"{name} #{len(self.secrets)}"] = value
        return value


def run_auth_flows(api: httpx.Client, flow: Flow) -> None:
    """Register, login, refresh, session (cookie use, CSRF), TOTP enroll/confirm, step-up, logout."""
    email = new_email()
    flow.keep("password", STRONG_PASSWORD)
    registered = api.post(
        "/v1/auth/register", json={"email": email, "password": STRONG_PASSWORD, "displayName": "Log Test"}
    )
    assert registered.status_code == 201, registered.text
    tokens = registered.json()
    flow.keep("id token", tokens["idToken"])
    flow.keep("refresh token", tokens["refreshToken"])
    wrong = api.post("/v1/auth/login", json={"email": email, "password": "wrong-" + STRONG_PASSWORD})
    assert wrong.status_code == 401
    flow.keep("wrong password", "wrong-" + STRONG_PASSWORD)
    login = api.post("/v1/auth/login", json={"email": email, "password": STRONG_PASSWORD}).json()
    flow.keep("id token", login["idToken"])
    refreshed = api.post("/v1/auth/refresh", json={"refreshToken": flow.keep("refresh token", login["refreshToken"])})
    assert refreshed.status_code == 200, refreshed.text
    bearer = {"Authorization": f"Bearer {flow.keep('id token', refreshed.json()['idToken'])}"}
    flow.keep("refresh token", refreshed.json()["refreshToken"])

    session = api.post("/v1/auth/session", json={"idToken": login["idToken"]})
    assert session.status_code == 204, session.text
    cookie = flow.keep("session cookie", set_cookies(session)["__session"]["value"])
    csrf = flow.keep("csrf token", session.headers["x-csrf-token"])
    assert api.get("/v1/me", headers={"Cookie": f"__session={cookie}"}).status_code == 200

    enrolled = api.post("/v1/auth/mfa/totp/enroll", headers=bearer).json()
    secret = flow.keep("totp secret", enrolled["secret"])
    flow.keep("otpauth uri", enrolled["otpauthUri"])
    confirm = api.post("/v1/auth/mfa/totp/confirm", headers=bearer, json={"code": flow.keep("code", totp_code(secret))})
    assert confirm.status_code == 204, confirm.text
    stepped = api.post(
        "/v1/auth/mfa/step-up",
        headers=bearer,
        json={"code": flow.keep("code", totp_code(secret, 1)), "purpose": "delete_account"},
    )
    assert stepped.status_code == 200, stepped.text
    flow.keep("step-up token", stepped.json()["stepUpToken"])

    ended = api.delete("/v1/auth/session", headers={"Cookie": f"__session={cookie}", "X-CSRF-Token": csrf})
    assert ended.status_code == 204, ended.text
    assert api.post("/v1/auth/logout", headers=bearer).status_code in (204, 401)  # revoked by the line above


def leaks(lines: list[str], secrets: dict[str, str]) -> list[str]:
    """Which secret values appear in any line (a six-digit code only as a number of its own)."""
    found = []
    for name, value in secrets.items():
        pattern = rf"(?<![\d.]){re.escape(value)}(?!\d)" if value.isdigit() else re.escape(value)
        if any(re.search(pattern, line) for line in lines):
            found.append(name)
    return found


def test_no_credential_password_code_or_secret_in_any_log_line(local_api: httpx.Client, captured: Captured) -> None:
    flow = Flow({f"secret {k}": v for k, v in development_secrets().items()})
    run_auth_flows(local_api, flow)
    # The capture saw every step of the flows.
    assert [line["message"].rsplit(" ", 1)[0] for line in captured.requests(at_least=11)] == [
        "POST /v1/auth/register",
        "POST /v1/auth/login",
        "POST /v1/auth/login",
        "POST /v1/auth/refresh",
        "POST /v1/auth/session",
        "GET /v1/me",
        "POST /v1/auth/mfa/totp/enroll",
        "POST /v1/auth/mfa/totp/confirm",
        "POST /v1/auth/mfa/step-up",
        "DELETE /v1/auth/session",
        "POST /v1/auth/logout",
    ]
    # The key set's PEM as one string, and each of its lines long enough to mean something.
    keys = json.loads(development_secrets()["SERVICE_TOKEN_KEYS"])["keys"][0]["pem"]
    pem_lines = {f"pem line {i}": line for i, line in enumerate(keys.splitlines()) if len(line) > 20}
    assert leaks(captured.lines, {**flow.secrets, **pem_lines}) == []
    # Nor anything shaped like a secret (a private key, an API key, a random value under a secret's name).
    assert [finding for line in captured.lines for finding in find_secrets(line, "log")] == []


def test_the_leak_check_finds_what_it_looks_for() -> None:
    lines = ['{"message": "GET /x 200", "latency": "0.123456s"}', '{"token": "eyJabc.def"}']
    assert leaks(lines, {"token": "eyJabc.def", "code": "123456", "other": "654321"}) == ["token"]
    assert leaks(['{"code": 123456}'], {"code": "123456"}) == ["code"]
    planted = '{"message": "refresh failed", "refreshToken": "' + secrets.token_urlsafe(32) + 'aA1"}'
    assert [f.kind for f in find_secrets(planted)] == ["high-entropy value of 'refreshToken'"]

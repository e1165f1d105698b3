"""The `api` function answers through the Functions emulator, with problem+json errors."""

from __future__ import annotations

import httpx


def test_health_is_ok_without_auth(api: httpx.Client) -> None:
    response = api.get("/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_every_response_carries_a_request_id_and_security_headers(api: httpx.Client) -> None:
    response = api.get("/v1/health", headers={"X-Request-Id": "trace-abc_123"})
    assert response.headers["x-request-id"] == "trace-abc_123"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"


def test_unsafe_request_id_is_replaced(api: httpx.Client) -> None:
    response = api.get("/v1/health", headers={"X-Request-Id": "bad id\twith spaces"})
    assert response.headers["x-request-id"] != "bad id\twith spaces"
    assert len(response.headers["x-request-id"]) == 20


def test_unknown_route_is_problem_json(api: httpx.Client) -> None:
    response = api.get("/v1/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "not_found"
    assert body["status"] == 404
    assert body["type"].endswith("/not_found")


def test_oversized_body_is_refused_with_413(api: httpx.Client) -> None:
    response = api.post("/v1/health", content=b"x" * (1024 * 1024 + 1), headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_openapi_and_docs_are_served(api: httpx.Client) -> None:
    spec = api.get("/v1/openapi.json")
    assert spec.status_code == 200
    assert "/v1/health" in spec.json()["paths"]
    docs = api.get("/v1/docs")
    assert docs.status_code == 200
    assert "swagger-ui" in docs.text
    assert "openapi.json" in docs.text


def test_callables_schema_describes_every_callable_from_its_models(api: httpx.Client) -> None:
    from firebrick.callables import CALLABLES

    schema = api.get("/v1/callables.schema.json").json()
    assert set(schema["callables"]) == set(CALLABLES)
    tasks_create = schema["callables"]["tasks_create"]
    assert {"orgId", "projectId", "title"} <= set(tasks_create["request"]["required"])
    assert tasks_create["request"]["additionalProperties"] is False
    assert tasks_create["response"] == {"$ref": "#/$defs/Task"}
    assert schema["$defs"]["Task"]["properties"]["status"]["enum"] == ["todo", "doing", "done"]

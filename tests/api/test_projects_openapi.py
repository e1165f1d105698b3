"""OpenAPI documents the resource endpoints with their models, auth and problem+json errors."""

from __future__ import annotations

from typing import Any

import httpx

RESOURCE_OPERATIONS = {
    "/v1/orgs/{orgId}/projects": {"get", "post"},
    "/v1/orgs/{orgId}/projects/{projectId}": {"get", "patch", "delete"},
    "/v1/orgs/{orgId}/projects/{projectId}/tasks": {"get", "post"},
    "/v1/orgs/{orgId}/projects/{projectId}/tasks/{taskId}": {"get", "patch", "delete"},
    "/v1/orgs/{orgId}/projects/{projectId}/tasks/{taskId}/comments": {"get", "post"},
    "/v1/orgs/{orgId}/projects/{projectId}/tasks/{taskId}/comments/{commentId}": {"get", "patch", "delete"},
}


def test_openapi_documents_every_resource_endpoint_with_auth_and_problem_errors(api: httpx.Client) -> None:
    spec: dict[str, Any] = api.get("/v1/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert "Problem" in schemas
    assert "HTTPValidationError" not in schemas
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    for path, methods in RESOURCE_OPERATIONS.items():
        assert set(spec["paths"][path]) == methods, path
        for method, operation in spec["paths"][path].items():
            where = f"{method.upper()} {path}"
            assert operation["security"] == [{"HTTPBearer": []}], where
            responses = operation["responses"]
            for status in ("401", "404", "422", "500"):
                schema = responses[status]["content"]["application/problem+json"]["schema"]
                assert schema["allOf"] == [{"$ref": "#/components/schemas/Problem"}], where
                assert schema["properties"]["status"] == {"const": int(status)}, where
            if method == "patch":
                assert "412" in responses, where
                assert any(p["name"] == "If-Match" for p in operation["parameters"]), where
            if method == "post":
                assert "413" in responses, where
                assert any(p["name"] == "Idempotency-Key" for p in operation["parameters"]), where
            if method in ("patch", "post"):
                ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                assert schemas[ref.rsplit("/", 1)[1]]["additionalProperties"] is False, where
            if method in ("get", "patch") and "{" in path.rsplit("/", 1)[1]:
                assert "ETag" in responses["200"]["headers"], where
            if method == "get" and "{" in path.rsplit("/", 1)[1]:
                assert "304" in responses, where
                assert any(p["name"] == "If-None-Match" for p in operation["parameters"]), where
                assert responses["200"]["content"]["application/json"]["schema"]["$ref"].startswith("#/components/")
    task_list = spec["paths"]["/v1/orgs/{orgId}/projects/{projectId}/tasks"]["get"]
    assert {p["name"] for p in task_list["parameters"]} >= {"limit", "cursor", "status", "assigneeUid"}
    assert schemas["TaskCreate"]["properties"]["status"]["enum"] == ["todo", "doing", "done"]


def test_cors_lets_allowed_origins_send_if_match_and_idempotency_key_and_read_etag() -> None:
    from firebrick.api.app import create_app
    from firebrick.config import Settings
    from tests.support.resources import api_in_process

    app = create_app(Settings(project_id="demo-firebrick", cors_origins="https://app.example"))
    with api_in_process(app) as base_url, httpx.Client(base_url=base_url) as client:
        url = "/v1/orgs/o1/projects/p1"
        preflight = client.options(
            url,
            headers={
                "Origin": "https://app.example",
                "Access-Control-Request-Method": "PATCH",
                "Access-Control-Request-Headers": "authorization, content-type, if-match, idempotency-key",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://app.example"
        allowed = preflight.headers["access-control-allow-headers"].lower()
        assert "if-match" in allowed
        assert "idempotency-key" in allowed

        refused = client.options(
            url, headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "PATCH"}
        )
        assert "access-control-allow-origin" not in refused.headers

        simple = client.get(url, headers={"Origin": "https://app.example"})
        assert simple.status_code == 401  # no credential: still problem+json, still CORS-readable
        exposed = simple.headers["access-control-expose-headers"].lower()
        assert {"etag", "location", "idempotent-replayed"} <= {h.strip() for h in exposed.split(",")}

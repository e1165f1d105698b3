"""OpenAPI that tells the truth about errors: every 4xx/5xx is `application/problem+json`.

FastAPI documents errors as `application/json` and its own 422 shape; the API
answers RFC 9457 problems (api/problems.py). This rewrites every error response
to the `Problem` schema, and declares the errors every route can produce: 401
where a credential is required, 413 where there is a body, 500 everywhere.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from firebrick.api.problems import PROBLEM_MEDIA_TYPE
from firebrick.models.problems import Problem

_REF = "#/components/schemas/Problem"

#: OpenAPI `responses` of an operation, by status.
Responses = dict[int | str, dict[str, Any]]

ETAG_HEADER = {"ETag": {"description": "Version of the resource, for `If-Match`", "schema": {"type": "string"}}}
NOT_MODIFIED: Responses = {304: {"description": "Not modified (`If-None-Match`)"}}

_DESCRIPTIONS = {
    400: "Bad request (e.g. invalid cursor)",
    401: "Missing or invalid credentials",
    403: "The caller's role does not allow this",
    404: "Not found, or not visible to the caller",
    409: "Conflict",
    412: "`If-Match` does not match the current ETag",
    413: "Request body too large",
    422: "Invalid input",
    429: "Rate limited",
}


def problems(*statuses: int) -> Responses:
    """OpenAPI error responses; their problem+json content (and 401/413/500) are filled in below."""
    return {status: {"description": _DESCRIPTIONS[status]} for status in statuses}


#: What each kind of route declares: a listing, a create (201 + ETag), a versioned read
#: (ETag, 304), an update (`If-Match`: 412), a delete.
LISTED = problems(400, 404, 422)
CREATED: Responses = {201: {"headers": ETAG_HEADER}, **problems(403, 404, 409, 422)}
READ: Responses = {200: {"headers": ETAG_HEADER}, **NOT_MODIFIED, **problems(404, 422)}
UPDATED: Responses = {200: {"headers": ETAG_HEADER}, **problems(403, 404, 409, 412, 422)}
DELETED = problems(403, 404, 409, 412, 422)


def _problem_content() -> dict[str, Any]:
    return {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": _REF}}}


def install_problem_openapi(app: FastAPI) -> None:
    """Replace `app.openapi` with a generator that documents problem+json errors."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        defs = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(defs.pop("$defs", {}))
        schemas["Problem"] = defs
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                responses: dict[str, Any] = operation.setdefault("responses", {})
                if operation.get("security"):
                    responses.setdefault("401", {"description": "Missing or invalid credentials"})
                if "requestBody" in operation:
                    responses.setdefault("413", {"description": "Request body too large"})
                    responses.setdefault("422", {"description": "Invalid input"})
                responses.setdefault("500", {"description": "Unexpected error (no internals disclosed)"})
                for status, response in responses.items():
                    if status[:1] in ("4", "5"):
                        response["content"] = _problem_content()
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]

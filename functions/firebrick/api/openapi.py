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
from pydantic import BaseModel, Field

PROBLEM_MEDIA_TYPE = "application/problem+json"
_REF = "#/components/schemas/Problem"


class FieldProblem(BaseModel):
    loc: list[str | int] = Field(description="Where the input failed, e.g. ['body', 'title']")
    msg: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details; `code` is stable, switch on it."""

    type: str = Field(examples=["https://firebrick.dev/problems/not_found"])
    title: str
    status: int
    code: str = Field(examples=["not_found"], description="Stable machine-readable error code")
    detail: str
    instance: str | None = None
    errors: list[FieldProblem] | None = Field(None, description="Validation failures (422 only)")


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

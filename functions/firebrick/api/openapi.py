"""The OpenAPI document, exact about what each operation can answer.

Errors are not listed per route: an operation's error answers are the errors
its code can raise, as declared once where they are raised (`errors.raises`):
the services and helpers its endpoint calls (read from the endpoint's code),
its dependencies (authentication: 401), and what the adapter itself adds (422
for parameters and bodies, 413 for bodies, 500 and 503 everywhere). Each
status is answered as `application/problem+json` with the `Problem` schema
narrowed to that status and its `code` values. Creates link to the operations
on what they created, so a client (or a stateful fuzzer) can follow them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from inspect import isfunction
from types import CodeType, ModuleType
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from firebrick.api.problems import PROBLEM_MEDIA_TYPE
from firebrick.api.responses import REPLAYED_HEADER, create_response, read_response, with_etag
from firebrick.errors import (
    BadRequest,
    FirebrickError,
    IdempotencyInProgress,
    PayloadTooLarge,
    RateLimited,
    Unavailable,
    ValidationFailed,
    declared_errors,
    is_declared,
)
from firebrick.models.common import drop_null
from firebrick.models.problems import Problem

_REF = "#/components/schemas/Problem"
_METHODS = ("get", "put", "post", "patch", "delete")


def _header(description: str) -> dict[str, Any]:
    return {"description": description, "schema": {"type": "string"}}


ETAG = {"ETag": _header("Version of the resource, for `If-Match` and `If-None-Match`")}
CREATED_HEADERS = {
    **ETAG,
    "Location": _header("URL of the created resource"),
    REPLAYED_HEADER: {**_header("`true` when this is the stored answer to an earlier request with the same key")},
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}}
#: Errors that carry `Retry-After`: always (True) or sometimes (False).
_RETRY_AFTER: dict[type[FirebrickError], bool] = {RateLimited: True, IdempotencyInProgress: False, Unavailable: False}
#: Every operation can fail unexpectedly (500) or meet an unavailable dependency (503).
_ALWAYS: set[type[FirebrickError]] = {FirebrickError, Unavailable}


# --- What an operation's code can raise -----------------------------------------------------


def referenced_functions(fn: Callable[..., Any]) -> Iterator[Callable[..., Any]]:
    """Functions `fn`'s code names, as globals or module attributes, through its nested and same-module helpers.

    Routes call their service as `module.function(...)` (or hand it to
    `partial`): both names are in the code object, so the call is found without
    running it.
    """
    namespace: dict[str, Any] = getattr(fn, "__globals__", {})
    pending: list[CodeType] = [fn.__code__] if hasattr(fn, "__code__") else []
    seen: set[CodeType] = set()
    while pending:
        code = pending.pop()
        if code in seen:
            continue
        seen.add(code)
        pending += [const for const in code.co_consts if isinstance(const, CodeType)]
        for name in code.co_names:
            value = namespace.get(name)
            if isinstance(value, ModuleType):
                yield from (getattr(value, attr) for attr in code.co_names if isfunction(getattr(value, attr, None)))
            elif isfunction(value):
                yield value
                if value.__module__ == fn.__module__:
                    pending.append(value.__code__)


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    """The route's own dependant and every dependency's, depth first."""
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def operation_errors(route: APIRoute, dependant: Dependant) -> set[type[FirebrickError]]:
    """Every error `route` can answer: its code's and dependencies' declared errors, plus the adapter's.

    `dependant` is the route's as included (with its routers' dependencies, e.g. App Check).
    """
    called = [fn for fn in referenced_functions(route.endpoint) if is_declared(fn)]
    dependants = list(_dependants(dependant))
    dependencies = [d.call for d in dependants[1:] if d.call is not None]
    errors = declared_errors([*called, *dependencies]) | _ALWAYS
    if any(d.body_params for d in dependants):
        # A body that is not text at all is a 400 (FastAPI's "error parsing the body"); invalid JSON a 422.
        errors |= {BadRequest, ValidationFailed, PayloadTooLarge}
    if any(d.path_params or d.query_params or d.header_params for d in dependants):
        errors.add(ValidationFailed)
    return errors


# --- The responses of an operation ------------------------------------------------------------


def _problem(status: int, errors: list[type[FirebrickError]]) -> dict[str, Any]:
    schema = {
        "allOf": [{"$ref": _REF}],
        "properties": {"status": {"const": status}, "code": {"enum": sorted({e.code for e in errors})}},
    }
    response: dict[str, Any] = {
        "description": "; ".join(sorted({e.title for e in errors})),
        "content": {PROBLEM_MEDIA_TYPE: {"schema": schema}},
    }
    retry = [_RETRY_AFTER[e] for e in errors if e in _RETRY_AFTER]
    if retry:
        response["headers"] = {"Retry-After": {**RETRY_AFTER["Retry-After"], "required": all(retry)}}
    return response


def error_responses(errors: set[type[FirebrickError]]) -> dict[str, Any]:
    """OpenAPI responses for `errors`, one per status."""
    by_status: dict[int, list[type[FirebrickError]]] = {}
    for error in errors:
        by_status.setdefault(error.status, []).append(error)
    return {str(status): _problem(status, found) for status, found in sorted(by_status.items())}


def _success(route: APIRoute, responses: dict[str, Any]) -> None:
    """Headers of the success answer, and 304, from how the route shapes it (`api/responses.py`)."""
    shapers = set(referenced_functions(route.endpoint))
    success = responses.setdefault(str(route.status_code or 200), {"description": "Successful Response"})
    if create_response in shapers:
        success["headers"] = CREATED_HEADERS
    elif shapers & {read_response, with_etag}:
        success["headers"] = ETAG
    if read_response in shapers:
        responses["304"] = {"description": "Not modified (`If-None-Match` names the current version)", "headers": ETAG}


def _operations(app: FastAPI) -> Iterator[tuple[APIRoute, Dependant, str, str]]:
    """(route, its dependant as included, path as documented, method) of every documented operation."""
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and route.include_in_schema and context.path_format:
            for method in context.methods or ():
                yield route, context.dependant, context.path_format, method.lower()


# --- Links: from a create to the operations on what it created ---------------------------------


def _path_params(path: str) -> set[str]:
    return {part[1:-1] for part in path.split("/") if part.startswith("{")}


def add_links(paths: dict[str, Any]) -> None:
    """Link each create (201 with an `id`) to every operation under the created resource's path.

    The new id comes from the response body; the other path ids from the create's own path.
    """
    for path, item in paths.items():
        created = item.get("post", {}).get("responses", {}).get("201")
        if created is None:
            continue
        known = _path_params(path)
        links: dict[str, Any] = {}
        for target, target_item in paths.items():
            if not target.startswith(path + "/{"):
                continue
            new_id = target[len(path) + 2 :].split("}", 1)[0]
            if not _path_params(target) <= known | {new_id}:
                continue
            for method in _METHODS:
                if method in target_item:
                    parameters = {name: f"$request.path.{name}" for name in known}
                    parameters[new_id] = "$response.body#/id"
                    operation_id = target_item[method]["operationId"]
                    links[operation_id] = {"operationId": operation_id, "parameters": parameters}
        if links:
            created["links"] = links


# --- The document -------------------------------------------------------------------------


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """The whole document: FastAPI's, with exact responses, the Problem schema and links."""
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(problem.pop("$defs", {}))
    components["Problem"] = problem
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    for route, dependant, path, method in _operations(app):
        operation = schema["paths"][path][method]
        responses = {k: v for k, v in operation.get("responses", {}).items() if k[:1] not in ("4", "5")}
        _success(route, responses)
        responses.update(error_responses(operation_errors(route, dependant)))
        operation["responses"] = responses
        for parameter in operation.get("parameters", ()):
            drop_null(parameter["schema"])  # an optional header or query value is absent, never null
    add_links(schema["paths"])
    return schema

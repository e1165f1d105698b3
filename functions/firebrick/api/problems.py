"""Map every error to an RFC 9457 problem+json response, in one place."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from firebrick.errors import PROBLEM_TYPE_BASE, FirebrickError, ValidationFailed, unavailable_dependency
from firebrick.logs import get_logger, log_event

logger = get_logger("api.problems")

PROBLEM_MEDIA_TYPE = "application/problem+json"

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def _client_ip(request: Request) -> str | None:
    from firebrick.api.deps import current_context  # deps imports the models: not on a cold start's path

    return current_context(request).client_ip


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_MEDIA_TYPE


def problem_response(error: FirebrickError, request: Request | None = None) -> ProblemResponse:
    instance = request.url.path if request is not None else None
    return ProblemResponse(error.problem(instance), status_code=error.status, headers=error.headers)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Where and why validation failed, without echoing the input back."""
    return [
        {"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors()
    ]


async def _on_firebrick_error(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, FirebrickError)
    if exc.status in (401, 403):
        # Auth failures are security events: log who/where, never the credential.
        log_event(
            logger,
            logging.WARNING,
            "auth failure",
            code=exc.code,
            status=exc.status,
            path=request.url.path,
            ip=_client_ip(request),
        )
    return problem_response(exc, request)


async def _on_validation_error(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, RequestValidationError)
    error = ValidationFailed("The request is not valid", errors=_validation_errors(exc))
    return problem_response(error, request)


def allowed_methods(request: Request) -> str:
    """Every method the request's path answers (RFC 9110 `Allow`), not just those of the first route matched."""
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        if route.matches(request.scope)[0] != Match.NONE:
            methods |= route.methods or set()
    return ", ".join(sorted(methods))


async def _on_http_error(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(getattr(exc, "headers", None) or {})
    if exc.status_code == 405:
        headers["Allow"] = allowed_methods(request)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    body = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": str(exc.detail),
        "status": exc.status_code,
        "code": code,
        "detail": str(exc.detail),
        "instance": request.url.path,
    }
    return ProblemResponse(body, status_code=exc.status_code, headers=headers)


def unexpected_error(exc: Exception, path: str) -> FirebrickError:
    """What an unhandled error answers (`api/middleware.UnhandledErrorMiddleware`): 503 when retryable, else 500."""
    retryable = unavailable_dependency(exc)
    if retryable is not None:
        logger.warning("dependency unavailable", extra={"fields": {"path": path, "error": repr(exc)}})
        return retryable
    logger.error("unhandled error", exc_info=exc, extra={"fields": {"path": path}})
    return FirebrickError("An unexpected error occurred")


def install_problem_handlers(app: FastAPI) -> None:
    """Register the handlers: domain errors, validation, routing errors (anything else: `UnhandledErrorMiddleware`)."""
    app.add_exception_handler(FirebrickError, _on_firebrick_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)

"""Structured JSON logs that Cloud Logging understands: one closing line per request and per trigger delivery.

Cloud Functions (gen2) and Cloud Run parse one JSON object per stdout line:
`severity`, `message`, `httpRequest` and `logging.googleapis.com/trace` (with
`spanId`, `trace_sampled`) are recognised, other keys become `jsonPayload`. What a
request or a delivery knows about itself (request id, trace, function, uid, org
id, event id) lives in a context variable, so every line written while it runs
carries it; its closing line adds the outcome: `httpRequest` (method, path,
status, latency) for requests (`api/middleware.py`, `log_requests` for
callables), `eventId`, `outcome` and latency for deliveries (`log_deliveries`).

Never logged: tokens, cookies, passwords, TOTP codes or secrets. Lines carry
paths (never query strings), ids and outcome codes only; `tests/test_logs.py`
captures the auth flows and fails if one of those values appears.

Imported by `main.py`: standard library (and `firebrick.ids`) only.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import json
import logging
import re
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from firebrick.ids import new_id

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
#: Fields of the request or delivery being handled; a dict shared with the threads it runs in.
_scope_var: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("log_scope", default=None)

TRACE = "logging.googleapis.com/trace"
SPAN = "logging.googleapis.com/spanId"
SAMPLED = "logging.googleapis.com/trace_sampled"
_CLOUD_TRACE = re.compile(r"^([0-9a-fA-F]{32})(?:/(\d{1,20}))?(?:;o=([01]))?$")
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")

_configured = False
logger = logging.getLogger("firebrick.requests")

F = TypeVar("F", bound=Callable[..., Any])


class CloudLoggingFormatter(logging.Formatter):
    """One JSON object per record: severity, message, logger, the scope's fields, the record's extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "severity": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
        }
        entry.update(_scope_var.get() or {})
        request_id = request_id_var.get()
        if request_id:
            entry["requestId"] = request_id
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            # Stack traces go to the log, never to the client.
            entry["stack_trace"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str | None = None) -> None:
    """Route the `firebrick` loggers to stdout as JSON (level: LOG_LEVEL unless given); idempotent."""
    global _configured
    if _configured:
        return
    if level is None:
        from firebrick.config import ConfigurationError, get_settings

        try:
            level = get_settings().log_level
        except ConfigurationError:
            level = "INFO"  # the refusal that follows is logged at CRITICAL
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(CloudLoggingFormatter())
    root = logging.getLogger("firebrick")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
    _configured = True


def get_logger(name: str) -> logging.Logger:
    """A logger under the `firebrick` namespace."""
    return logging.getLogger(name if name.startswith("firebrick") else f"firebrick.{name}")


def log_event(logger: logging.Logger, level: int, message: str, **fields: Any) -> None:
    """Log `message` with structured `fields` (they become jsonPayload keys)."""
    logger.log(level, message, extra={"fields": fields})


# --- The scope of a request or delivery ------------------------------------------------------


@contextlib.contextmanager
def log_scope(**fields: Any) -> Iterator[dict[str, Any]]:
    """Every line logged inside carries `fields` (and what `annotate` adds); yields them."""
    scope = {key: value for key, value in fields.items() if value is not None}
    token = _scope_var.set(scope)
    try:
        yield scope
    finally:
        # a2wsgi may finish a coroutine in another context (seen with 204s): nothing to reset then.
        with contextlib.suppress(ValueError):
            _scope_var.reset(token)


def annotate(**fields: Any) -> None:
    """Add what became known mid-request (the caller's uid, the org) to the current scope's lines."""
    scope = _scope_var.get()
    if scope is not None:
        scope.update({key: value for key, value in fields.items() if value is not None})


def trace_fields(project_id: str, cloud_trace: str | None, traceparent: str | None) -> dict[str, Any]:
    """Cloud Logging's trace keys from `X-Cloud-Trace-Context` (else W3C `traceparent`); {} when neither parses."""
    if cloud_trace and (match := _CLOUD_TRACE.match(cloud_trace.strip())):
        trace, span, sampled = match.groups()
        fields: dict[str, Any] = {TRACE: f"projects/{project_id}/traces/{trace.lower()}"}
        if span:
            fields[SPAN] = f"{int(span) & 0xFFFFFFFFFFFFFFFF:016x}"  # decimal there, 16 hex digits here
        if sampled is not None:
            fields[SAMPLED] = sampled == "1"
        return fields
    if traceparent and (match := _TRACEPARENT.match(traceparent.strip())):
        trace, span, flags = match.groups()
        return {TRACE: f"projects/{project_id}/traces/{trace}", SPAN: span, SAMPLED: bool(int(flags, 16) & 1)}
    return {}


def http_severity(status: int) -> int:
    """ERROR for 5xx, WARNING for 4xx, INFO otherwise."""
    return logging.ERROR if status >= 500 else logging.WARNING if status >= 400 else logging.INFO


def log_request(method: str, path: str, status: int, started: float, **fields: Any) -> None:
    """The closing line of one HTTP request (inside its scope, which supplies ids, trace, uid, org)."""
    log_event(
        logger,
        http_severity(status),
        f"{method} {path} {status}",
        httpRequest={
            "requestMethod": method,
            "requestUrl": path,
            "status": status,
            "latency": f"{time.perf_counter() - started:.6f}s",
        },
        **fields,
    )


def log_refusal(reason: str) -> None:
    """The CRITICAL line of an instance that refuses to serve; `reason` names settings, never their values."""
    configure_logging()
    log_event(get_logger("startup"), logging.CRITICAL, f"refusing to start: {reason}")


# --- Function wrappers (main.py) ------------------------------------------------------------


def _project() -> str:
    from firebrick.config import get_settings

    return get_settings().project_id


def log_requests(function: F) -> F:
    """Wrap an HTTPS function (a callable) so each request logs one closing line, SDK refusals included."""

    @functools.wraps(function)
    def run(request: Any) -> Any:
        configure_logging()
        started = time.perf_counter()
        headers = request.headers
        trace = trace_fields(_project(), headers.get("X-Cloud-Trace-Context"), headers.get("traceparent"))
        status = 500
        token = request_id_var.set(new_id())  # the callable's audit entries use it too (callables.handle)
        with log_scope(function=function.__name__, **trace):
            try:
                response = function(request)
                status = int(response.status_code)
                return response
            finally:
                log_request(request.method, request.path, status, started)
                request_id_var.reset(token)

    return run  # type: ignore[return-value]


def _event_fields(event: Any) -> dict[str, Any]:
    """Event id, uid and org id of a trigger's event, where it has them (Firestore, Storage, identity)."""
    params: Mapping[str, Any] = getattr(event, "params", None) or {}
    data = getattr(event, "data", None)
    name = getattr(data, "name", None)
    org_id = params.get("orgId")
    if org_id is None and isinstance(name, str) and name.startswith("orgs/"):
        org_id = name.split("/")[1]
    uid = params.get("uid") or getattr(data, "uid", None)
    return {"eventId": getattr(event, "id", None) or getattr(event, "event_id", None), "uid": uid, "orgId": org_id}


def _outcome(error: BaseException | None) -> tuple[str, int]:
    if error is None:
        return "ok", logging.INFO
    if type(error).__name__ == "HttpsError":
        return "refused", logging.WARNING  # a blocking function saying no: its job, not a failure
    return "error", logging.ERROR


def log_deliveries(handler: F) -> F:
    """Wrap a trigger so each delivery logs one closing line: function, event id, org, outcome, latency."""

    @functools.wraps(handler)
    def run(event: Any) -> Any:
        configure_logging()
        started = time.perf_counter()
        error: BaseException | None = None
        with log_scope(function=handler.__name__, **_event_fields(event)):
            try:
                return handler(event)
            except BaseException as exc:
                error = exc
                raise
            finally:
                outcome, level = _outcome(error)
                extra = {"error": type(error).__name__} if outcome == "error" and error is not None else {}
                log_event(
                    logger,
                    level,
                    f"{handler.__name__} {outcome}",
                    outcome=outcome,
                    latency=f"{time.perf_counter() - started:.6f}s",
                    **extra,
                )

    return run  # type: ignore[return-value]

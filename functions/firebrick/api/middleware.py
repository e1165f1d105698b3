"""Pure-ASGI middleware: request IDs, trace and the access line, body size limit, security headers, last resort.

Pure ASGI (not BaseHTTPMiddleware) keeps the per-request overhead to a few
function calls, which matters on the warm path of a Cloud Function.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from firebrick.errors import FirebrickError, PayloadTooLarge
from firebrick.ids import new_id
from firebrick.logs import log_request, log_scope, request_id_var, trace_fields

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"strict-transport-security", b"max-age=63072000; includeSubDomains"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
_API_CSP = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


class HttpMiddleware:
    """Base of the middleware here: HTTP requests go to `handle`, anything else straight through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class RequestContextMiddleware(HttpMiddleware):
    """Give each request an ID (caller's if safe, else new), echo it, log one access line.

    The line carries the trace (`X-Cloud-Trace-Context` / `traceparent`), the function,
    the caller's uid (`deps.current_principal` annotates it) and the path's org id.
    """

    def __init__(self, app: ASGIApp, project_id: str, function: str | None) -> None:
        super().__init__(app)
        self.project_id = project_id
        self.function = function

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        incoming = _header(scope, b"x-request-id")
        request_id = incoming if incoming and _SAFE_REQUEST_ID.match(incoming) else new_id()
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        trace = trace_fields(self.project_id, _header(scope, b"x-cloud-trace-context"), _header(scope, b"traceparent"))

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        with log_scope(function=self.function, **trace):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                # Routing fills the scope's path parameters in place.
                org_id = (scope.get("path_params") or {}).get("orgId")
                log_request(scope["method"], scope["path"], status, started, **({"orgId": org_id} if org_id else {}))
                # a2wsgi may close the coroutine from another context once the response is sent
                # (seen with 204s): the variable then belongs to that context, nothing to reset here.
                with contextlib.suppress(ValueError):
                    request_id_var.reset(token)


class BodyLimitMiddleware(HttpMiddleware):
    """Refuse bodies over `max_bytes` with 413, by Content-Length or, for a chunked body, by reading it first.

    A chunked body (no Content-Length) is read here up to the limit and handed on
    whole: refusing it half-way through the app's own read would surface as the
    framework's "error parsing the body" (400), not 413. At most `max_bytes` is held.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        super().__init__(app)
        self.max_bytes = max_bytes

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = _header(scope, b"content-length")
        too_large = PayloadTooLarge(f"Request bodies are limited to {self.max_bytes} bytes")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _send_problem(scope, send, too_large)
            return
        if declared is not None or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away: let the app see it
            chunks.append(message.get("body", b""))
            seen += len(chunks[-1])
            if seen > self.max_bytes:
                await _send_problem(scope, send, too_large)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


class UnhandledErrorMiddleware(HttpMiddleware):
    """The last resort, inside the header middleware: an unhandled error is a 500 problem (503 when retryable).

    Starlette's own last resort sits outside every middleware, so its 500 would lack
    the security headers, `no-store` and `X-Request-Id`; this one answers first.
    """

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:
                raise  # too late for another answer; the server closes the connection
            from firebrick.api.problems import unexpected_error

            await _send_problem(scope, send, unexpected_error(exc, scope.get("path", "")))


class SecurityHeadersMiddleware(HttpMiddleware):
    """Add hardening headers to every response; API responses are never cached.

    The CSP is the API's (nothing may load) unless the response set its own (`api/docs.py`).
    """

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                headers.extend(SECURITY_HEADERS)
                if _API_CSP[0] not in names:
                    headers.append(_API_CSP)
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _send_problem(scope: Scope, send: Send, error: FirebrickError) -> None:
    """Answer with `error` as problem+json (the middleware outside adds the request id and security headers)."""
    body = json.dumps(error.problem(scope.get("path"))).encode()
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
        *((name.lower().encode(), value.encode()) for name, value in error.headers.items()),
    ]
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class FirestoreOpsMiddleware(HttpMiddleware):
    """Benchmarks only: echo the request's billed Firestore ops as response headers."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        from firebrick.opcount import OpCounter, current_counter

        counter = OpCounter()
        token = current_counter.set(counter)

        async def send_with_counts(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-firestore-reads", str(counter.reads).encode()),
                    (b"x-firestore-writes", str(counter.writes).encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_counts)
        finally:
            current_counter.reset(token)

"""assert_allowed / assert_denied: the rules' decision, told apart from every other failure.

A rules test that accepts any error as "denied" passes for the wrong reason when
the path is mistyped (404), the body is malformed (400) or the emulator is down.
Only a 403 that the rules produced counts as a denial: Firestore answers
`PERMISSION_DENIED`, Storage `Permission denied. No READ|WRITE|LIST permission.`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import httpx

from firebrick_testing.tokens import custom_claims, token_payload

Operation = httpx.Response | Callable[[], httpx.Response]
Outcome = Literal["allowed", "denied", "error"]

_BODY_LIMIT = 800


def _run(op: Operation) -> httpx.Response | Exception:
    if isinstance(op, httpx.Response):
        return op
    try:
        return op()
    except httpx.HTTPError as exc:  # connection refused, timeout, ...
        return exc


def _error_of(response: httpx.Response) -> tuple[str, str]:
    """(status, message) of an error body, empty strings when it has none."""
    try:
        body = response.json()
    except ValueError:
        return "", response.text.strip()
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return "", ""
    return str(error.get("status", "")), str(error.get("message", ""))


def outcome(response: httpx.Response) -> Outcome:
    """What the rules decided, or "error" when the response is not a rules decision."""
    if response.is_success:
        return "allowed"
    if response.status_code == httpx.codes.NOT_FOUND and response.request.method == "GET":
        status, _ = _error_of(response)
        # Firestore reads a missing document only after the rules allowed the read.
        if status == "NOT_FOUND" and "/documents/" in response.request.url.path:
            return "allowed"
    if response.status_code == httpx.codes.FORBIDDEN:
        status, message = _error_of(response)
        if status == "PERMISSION_DENIED":
            return "denied"
        if message.startswith("Permission denied. No ") and message.endswith(" permission."):
            return "denied"
    return "error"


def _caller(request: httpx.Request) -> str:
    authorization = request.headers.get("Authorization", "")
    if not authorization:
        return "an unauthenticated caller"
    scheme, _, token = authorization.partition(" ")
    if token == "owner":  # noqa: S105 - the emulators' admin credential, not a secret
        return "the admin (rules off)"
    payload = token_payload(token)
    if payload is None:
        return f"an unreadable {scheme} token"
    claims = custom_claims(payload)
    return f"uid {payload.get('sub')!r}" + (f" with claims {claims}" if claims else "")


def _describe(response: httpx.Response) -> str:
    request = response.request
    body = response.text.strip()
    if len(body) > _BODY_LIMIT:
        body = body[:_BODY_LIMIT] + "..."
    got = f"{response.status_code}: {body or '(empty body)'}"
    return f"{request.method} {request.url} as {_caller(request)}\n  got {got}"


def assert_allowed(op: Operation) -> httpx.Response:
    """Fail unless the rules allowed `op` (a response, or a callable returning one); return the response.

    A read of a missing document counts as allowed: the emulator answers 404 only
    after the rules allowed the read (it answers 403 otherwise).
    """
    result = _run(op)
    if isinstance(result, Exception):
        raise AssertionError(f"expected the rules to allow the request, but it got no response: {result!r}")
    decided = outcome(result)
    if decided == "denied":
        raise AssertionError(f"expected the rules to ALLOW, but they DENIED:\n  {_describe(result)}")
    if decided == "error":
        raise AssertionError(f"expected the rules to ALLOW, but the request failed otherwise:\n  {_describe(result)}")
    return result


def assert_denied(op: Operation) -> httpx.Response:
    """Fail unless the rules denied `op` (a response, or a callable returning one); return the response.

    Any other failure (404, 400, 500, a connection error) fails the assertion too,
    showing what came back.
    """
    result = _run(op)
    if isinstance(result, Exception):
        raise AssertionError(f"expected the rules to deny the request, but it got no response: {result!r}")
    decided = outcome(result)
    if decided == "allowed":
        raise AssertionError(f"expected the rules to DENY, but they ALLOWED:\n  {_describe(result)}")
    if decided == "error":
        raise AssertionError(
            f"expected the rules to DENY, but the request failed for another reason (not a rules denial):\n"
            f"  {_describe(result)}"
        )
    return result

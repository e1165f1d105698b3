"""The one error hierarchy. Services raise these; adapters map them once.

Each error carries a stable machine `code` (the problem+json `code` and the
suffix of its `type` URI), the HTTP status, and the callable error code used by
Firebase callable functions. Messages are for users: never internals.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, TypeVar

PROBLEM_TYPE_BASE = "https://firebrick.dev/problems/"


class FirebrickError(Exception):
    """Base of every error a client may see."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal"
    title: ClassVar[str] = "Internal error"
    callable_code: ClassVar[str] = "internal"

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extra = extra
        self.headers: dict[str, str] = {}

    def problem(self, instance: str | None = None) -> dict[str, Any]:
        """RFC 9457 problem details body for this error."""
        body: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + self.code,
            "title": self.title,
            "status": self.status,
            "code": self.code,
            "detail": self.detail,
        }
        if instance:
            body["instance"] = instance
        body.update(self.extra)
        return body


class BadRequest(FirebrickError):
    status, code, title, callable_code = 400, "bad_request", "Bad request", "invalid-argument"


class ValidationFailed(FirebrickError):
    status, code, title, callable_code = 422, "validation_failed", "Validation failed", "invalid-argument"


class Unauthenticated(FirebrickError):
    status, code, title, callable_code = 401, "unauthenticated", "Authentication required", "unauthenticated"


class PermissionDenied(FirebrickError):
    status, code, title, callable_code = 403, "permission_denied", "Permission denied", "permission-denied"


class StepUpRequired(PermissionDenied):
    code, title = "step_up_required", "Step-up authentication required"


class NotFound(FirebrickError):
    status, code, title, callable_code = 404, "not_found", "Not found", "not-found"


class Conflict(FirebrickError):
    status, code, title, callable_code = 409, "conflict", "Conflict", "already-exists"


class FailedPrecondition(FirebrickError):
    status, code, title, callable_code = 409, "failed_precondition", "Failed precondition", "failed-precondition"


class AssigneeNotMember(FailedPrecondition):
    """A task assigned to someone who is not a member of its org (a state the server holds, not a malformed body)."""

    code, title = "assignee_not_member", "The assignee is not a member of this organization"


class PreconditionFailed(FirebrickError):
    """The `If-Match` ETag did not match the current version (HTTP 412)."""

    status, code, title, callable_code = 412, "precondition_failed", "Precondition failed", "failed-precondition"


class PayloadTooLarge(FirebrickError):
    status, code, title, callable_code = 413, "payload_too_large", "Payload too large", "invalid-argument"


class RateLimited(FirebrickError):
    status, code, title, callable_code = 429, "rate_limited", "Too many requests", "resource-exhausted"

    def __init__(self, retry_after: int, detail: str | None = None) -> None:
        super().__init__(detail)
        self.retry_after = max(1, int(retry_after))
        self.headers["Retry-After"] = str(self.retry_after)


class Unavailable(FirebrickError):
    """A dependency (e.g. Firebase Auth) did not answer; the client may retry."""

    status, code, title, callable_code = 503, "unavailable", "Service unavailable", "unavailable"


class InvalidCursor(BadRequest):
    """A pagination cursor that is malformed or belongs to another listing."""

    code, title = "invalid_cursor", "Invalid cursor"


class IdempotencyKeyReused(ValidationFailed):
    """An `Idempotency-Key` replayed with a different request body."""

    code, title = "idempotency_key_reused", "Idempotency key reused with another request"


class IdempotencyInProgress(Conflict):
    """The first request with this `Idempotency-Key` is still running; retry later."""

    code, title, callable_code = "idempotency_in_progress", "Request with this idempotency key in progress", "aborted"


def unavailable_dependency(exc: Exception) -> Unavailable | None:
    """A Google API error that means "try again" (Firestore unavailable or too slow), as a retryable 503.

    RetryError: a call retried until its deadline (`clients.firestore_client` bounds them).
    """
    google = sys.modules.get("google.api_core.exceptions")  # loaded whenever Firestore raised
    if google is None or not isinstance(exc, google.ServiceUnavailable | google.DeadlineExceeded | google.RetryError):
        return None
    error = Unavailable("The database is unavailable, try again")
    error.headers["Retry-After"] = "1"
    return error


# --- What a function may raise: declared once, where it is raised -------------------------

F = TypeVar("F", bound=Callable[..., Any])
#: An error class, or a function whose declared errors pass through (its callee).
Cause = type[FirebrickError] | Callable[..., Any]
_DECLARED: dict[Callable[..., Any], tuple[Cause, ...]] = {}


def raises(*causes: Cause) -> Callable[[F], F]:
    """Declare the errors `fn` lets reach a client: error classes, and callees whose errors pass through.

    The OpenAPI document lists each operation's error answers from these
    declarations (api/openapi.py), so an error added to a helper shows up on
    every operation that calls it. Metadata only: the function is not wrapped.
    """

    def declare(fn: F) -> F:
        _DECLARED[fn] = causes
        return fn

    return declare


def is_declared(fn: object) -> bool:
    """Whether `fn` carries a `raises` declaration."""
    try:
        return fn in _DECLARED
    except TypeError:  # unhashable: not a function
        return False


def declared_errors(functions: Iterable[Callable[..., Any]]) -> set[type[FirebrickError]]:
    """Every error the functions declare, through their callees' declarations."""
    errors: set[type[FirebrickError]] = set()
    seen: set[Callable[..., Any]] = set()
    pending = list(functions)
    while pending:
        fn = pending.pop()
        if fn in seen:
            continue
        seen.add(fn)
        for cause in _DECLARED.get(fn, ()):
            if isinstance(cause, type) and issubclass(cause, FirebrickError):
                errors.add(cause)
            else:
                pending.append(cause)
    return errors

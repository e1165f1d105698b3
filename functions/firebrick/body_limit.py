"""The request body limit of callables: over `MAX_BODY_BYTES` answers 413 before the SDK parses anything.

The callable SDK reads and parses the whole body before our code runs, so the limit
sits in a wrapper around the SDK's function (`main.py`: `@limit_body` under
`@log_requests`). A chunked body is read here up to the limit and kept for the SDK.
Standard library only at import: `main.py` stays light.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def _too_large(limit: int) -> Any:
    from flask import Response

    from firebrick.errors import PayloadTooLarge

    error = PayloadTooLarge(f"Request bodies are limited to {limit} bytes")
    status = error.callable_code.upper().replace("-", "_")
    body = {"error": {"status": status, "message": error.detail, "details": {"code": error.code, "status": 413}}}
    return Response(json.dumps(body), status=413, mimetype="application/json")


def limit_body(function: F) -> F:
    """Wrap a callable so a body over the limit is refused (413, `invalid-argument`) before the SDK reads it."""

    @functools.wraps(function)
    def run(request: Any) -> Any:
        from werkzeug.exceptions import RequestEntityTooLarge

        from firebrick.config import get_settings

        limit = get_settings().max_body_bytes
        if request.content_length is not None and request.content_length > limit:
            return _too_large(limit)
        request.max_content_length = limit
        try:
            request.get_data(cache=True)  # a chunked body: read here, within the limit, kept for the SDK
        except RequestEntityTooLarge:
            return _too_large(limit)
        return function(request)

    return run  # type: ignore[return-value]

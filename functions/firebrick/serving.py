"""Serve the ASGI app from a Cloud Functions (Flask/WSGI) request.

The app is built on the first request, not at import, so the cold start of
every other function in `main.py` does not pay for FastAPI. Building it is the
instance's start-up check (`config.require_configured`): an instance missing a
setting answers 503 and logs, at CRITICAL, which settings are missing or weak
(never a value); it tries again on the next request.
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Request
    from werkzeug.wrappers import Response

_wsgi_app: Any = None
_lock = threading.Lock()


def _app() -> Any:
    global _wsgi_app
    if _wsgi_app is None:
        with _lock:
            if _wsgi_app is None:
                from a2wsgi import ASGIMiddleware

                from firebrick.api.app import create_app

                _wsgi_app = ASGIMiddleware(create_app())  # type: ignore[arg-type]
    return _wsgi_app


def serve(request: Request) -> Response:
    """Run one request through the API and return the Flask response."""
    from werkzeug.wrappers import Response

    from firebrick.config import ConfigurationError

    try:
        app = _app()
    except ConfigurationError as exc:
        from firebrick.errors import Unavailable
        from firebrick.logs import log_refusal

        log_refusal(str(exc))
        body = Unavailable("The service is not configured").problem(request.path)
        return Response(json.dumps(body), status=503, mimetype="application/problem+json")
    return Response.from_app(app, _framed(request))


def _framed(request: Request) -> dict[str, Any]:
    """The request's environ with a Content-Length: a chunked body is read here, up to one byte past the limit.

    The ASGI bridge reads exactly Content-Length bytes, so without one a chunked body
    would arrive empty; with it, the app's body limit answers 413 to an oversized one.
    """
    environ: dict[str, Any] = request.environ
    if environ.get("CONTENT_LENGTH") or request.method in ("GET", "HEAD", "OPTIONS"):
        return environ
    from io import BytesIO

    from firebrick.config import get_settings

    body = request.stream.read(get_settings().max_body_bytes + 1)
    return {**environ, "CONTENT_LENGTH": str(len(body)), "wsgi.input": BytesIO(body)}

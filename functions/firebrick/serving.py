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
    return Response.from_app(app, request.environ)

"""Serve the ASGI app from a Cloud Functions (Flask/WSGI) request.

The app is built on the first request, not at import, so the cold start of
every other function in `main.py` does not pay for FastAPI.
"""

from __future__ import annotations

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

    return Response.from_app(_app(), request.environ)

"""Build the FastAPI app: middleware, problem handlers, routers, docs.

The same app runs in the `api` Cloud Function (through `firebrick.serving`) and
unchanged under uvicorn (`uvicorn firebrick.asgi:app`), the path to Cloud Run.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse

from firebrick import opcount
from firebrick.api.lazy_routes import IncludeRoutesMiddleware, LazyRoutes
from firebrick.api.middleware import (
    BodyLimitMiddleware,
    FirestoreOpsMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
    UnhandledErrorMiddleware,
)
from firebrick.api.problems import install_problem_handlers
from firebrick.api.routes import MODULES
from firebrick.auth.app_check import APP_CHECK_HEADER
from firebrick.config import Requirement, Settings, get_settings, require_configured
from firebrick.logs import configure_logging

API_PREFIX = "/v1"
#: What the `api` function must have before it serves (main.py binds these secrets to it).
API_REQUIRES: tuple[Requirement, ...] = (
    "FIREBRICK_AUTH_SECRET",
    "INVITE_TOKEN_SECRET",
    "SERVICE_TOKEN_KEYS",
    "WEB_API_KEY",
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """A fully wired app; `settings` defaults to the process settings. ConfigurationError names what is missing."""
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    require_configured(API_REQUIRES)
    app = FastAPI(
        title="Firebrick API",
        version="1.0.0",
        description="Multi-tenant backend on Firebase. Errors are RFC 9457 problem+json.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        # Operation ids are the route functions' names: stable names for generated clients.
        generate_unique_id_function=lambda route: route.name,
    )
    install_problem_handlers(app)
    routes = app.state.lazy_routes = LazyRoutes(app, API_PREFIX, app_check=settings.enforce_app_check)

    def openapi() -> dict[str, Any]:
        """The document (`api/openapi.py`), built with every route module on first request, then kept."""
        routes.include(MODULES)
        if not app.openapi_schema:
            from firebrick.api.openapi import build_openapi

            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    v1 = APIRouter(prefix=API_PREFIX)
    v1.add_api_route("/docs", _docs, include_in_schema=False, response_class=HTMLResponse)
    v1.add_api_route("/callables.schema.json", _callables_schema, include_in_schema=False)
    app.include_router(v1)

    # First added, innermost: route modules are included just before routing needs them.
    app.add_middleware(IncludeRoutesMiddleware, routes=routes)
    # Outermost last: the request context and the security headers wrap everything, so even a
    # 413 or the last-resort 500 carries an ID, the headers and no-store.
    if opcount.enabled():
        app.add_middleware(FirestoreOpsMiddleware)
    app.add_middleware(UnhandledErrorMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    if settings.cors_origin_list:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origin_list,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "If-Match",
                "Idempotency-Key",
                "X-Step-Up-Token",
                "X-CSRF-Token",
                APP_CHECK_HEADER,
            ],
            expose_headers=["ETag", "Location", "Idempotent-Replayed", "Retry-After", "X-Request-Id"],
            allow_credentials=True,
            max_age=600,
        )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(
        RequestContextMiddleware, project_id=settings.project_id, function=settings.function_target or "api"
    )
    return app


def _callables_schema() -> JSONResponse:
    """JSON Schemas of each callable's request and response (`firebrick.contract`)."""
    from firebrick.contract import callables_schema

    return JSONResponse(callables_schema(), headers={"Cache-Control": "public, max-age=300"})


def _docs() -> HTMLResponse:
    """Swagger UI from integrity-pinned files under a strict CSP (`api/docs.py`)."""
    from firebrick.api.docs import docs_page

    return docs_page()

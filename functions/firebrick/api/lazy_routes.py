"""Route modules included into the app on the first request that needs them.

A fresh instance builds the app on its first request. Importing every route module
would make that request pay for the whole API: the modules, their services and
every pydantic model they declare (a model is built when its class is defined).
Instead the first request under `/v1/<segment>/...` includes the modules that
serve that segment (`routes.SEGMENTS`); the OpenAPI document and the docs page
include all of them. Included routers keep the order of `routes.ROUTERS`, so the
document does not depend on which request came first.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from firebrick.api.routes import MODULES, SEGMENTS, routers_of

if TYPE_CHECKING:
    from fastapi import FastAPI

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]

#: Paths under the prefix that need every route (the document describes them all).
_EVERYTHING = ("openapi.json", "docs")


class LazyRoutes:
    """Includes route modules into `app` under `prefix`, each once (thread-safe)."""

    def __init__(self, app: FastAPI, prefix: str, *, app_check: bool) -> None:
        self.app, self.prefix, self.app_check = app, prefix, app_check
        self.loaded: set[str] = set()
        self._lock = threading.Lock()
        self._rank: dict[int, int] = {}  # id(route entry) -> position of its router in ROUTERS

    def modules_for(self, path: str) -> tuple[str, ...]:
        """The route modules a request for `path` needs."""
        if not path.startswith(self.prefix + "/"):
            return ()
        segment = path[len(self.prefix) + 1 :].split("/", 1)[0]
        return MODULES if segment in _EVERYTHING else SEGMENTS.get(segment, ())

    def include(self, modules: tuple[str, ...]) -> None:
        if all(module in self.loaded for module in modules):
            return
        with self._lock:
            for module in modules:
                if module not in self.loaded:
                    self._include_module(module)
            # A new list in canonical order, swapped in at once: requests routing now see either.
            self.app.router.routes = sorted(self.app.router.routes, key=lambda r: self._rank.get(id(r), -1))
            self.app.openapi_schema = None

    def _include_module(self, module: str) -> None:
        dependencies = []
        if self.app_check:
            from fastapi import Depends

            from firebrick.api.deps import require_app_check

            dependencies = [Depends(require_app_check)]
        for rank, router, open_ in routers_of(module):
            self.app.include_router(router, prefix=self.prefix, dependencies=[] if open_ else dependencies)
            self._rank[id(self.app.router.routes[-1])] = rank
        self.loaded.add(module)


class IncludeRoutesMiddleware:
    """Before routing a request, include the route modules it needs (innermost middleware)."""

    def __init__(self, app: ASGIApp, routes: LazyRoutes) -> None:
        self.app, self.routes = app, routes

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Any]], send: Any) -> None:
        if scope["type"] == "http":
            self.routes.include(self.routes.modules_for(scope["path"]))
        await self.app(scope, receive, send)


def with_every_route(app: FastAPI) -> FastAPI:
    """`app` with every route module included now (for tools and tests that walk the routes)."""
    routes: LazyRoutes = app.state.lazy_routes
    routes.include(MODULES)
    return app

"""Cloud Functions declarations, and nothing else.

Imports stay light: each function loads its heavy modules (FastAPI, Firestore)
on first use. Trigger families whose SDK module is expensive to import are
declared only when this process needs them: during deploy/emulator discovery
(no FUNCTION_TARGET) or in the instance that serves one of them.
"""

import os
from typing import Any

from firebase_functions import https_fn, options

options.set_global_options(region="us-central1", max_instances=20)

_TARGET = os.environ.get("FUNCTION_TARGET")


def _declares(*names: str) -> bool:
    """True when this process must declare one of `names`."""
    return _TARGET is None or _TARGET in names


@https_fn.on_request(memory=options.MemoryOption.MB_512, timeout_sec=60)
def api(req: https_fn.Request) -> https_fn.Response:
    """The HTTP API (`/v1/...`): FastAPI, built on the first request."""
    from firebrick.serving import serve

    return serve(req)


if _declares("claims_sync"):
    from firebase_functions import firestore_fn

    @firestore_fn.on_document_written(document="orgs/{orgId}/members/{uid}")
    def claims_sync(event: firestore_fn.Event[firestore_fn.Change[firestore_fn.DocumentSnapshot | None]]) -> None:
        """Recompute the member's custom claims from all their memberships."""
        from firebrick.triggers.claims import on_membership_written

        on_membership_written(event.params["uid"])


if os.environ.get("FIREBRICK_BENCH") == "1":
    # Declared only for scripts/bench: the floor a function can reach (no app, no I/O).

    @https_fn.on_request()
    def bench_floor(req: https_fn.Request) -> https_fn.Response:
        """A bare function returning a constant, the benchmark's latency floor."""
        return https_fn.Response('{"status":"ok"}', mimetype="application/json")


if _declares("orgs_create", "invites_accept"):
    # Callable twins of POST /v1/orgs and POST /v1/invites/accept (firebrick.callables_orgs).
    from firebrick.clients import firebase_app

    # The callable SDK verifies the caller's ID token with the default app before our code runs.
    firebase_app()

    @https_fn.on_call(memory=options.MemoryOption.MB_512, timeout_sec=60)
    def orgs_create(req: https_fn.CallableRequest[Any]) -> Any:
        from firebrick.callables_orgs import orgs_create as handle

        return handle(req)

    @https_fn.on_call(memory=options.MemoryOption.MB_512, timeout_sec=60)
    def invites_accept(req: https_fn.CallableRequest[Any]) -> Any:
        from firebrick.callables_orgs import invites_accept as handle

        return handle(req)

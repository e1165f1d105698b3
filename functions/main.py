"""Cloud Functions declarations, and nothing else.

Imports stay light: each function loads its heavy modules (FastAPI, Firestore)
on first use. Trigger families whose SDK module is expensive to import are
declared only when this process needs them: during deploy/emulator discovery
(no FUNCTION_TARGET) or in the instance that serves one of them.
"""

import os
from typing import Any

from firebase_functions import https_fn, options
from firebase_functions.params import SecretParam

from firebrick import params, paths
from firebrick.body_limit import limit_body
from firebrick.logs import log_deliveries, log_requests

# Every other setting is a param (firebrick/params.py): `firebase deploy` asks for those
# missing from functions/.env.<project>.
options.set_global_options(region="us-central1", max_instances=20)

# Secrets, bound to exactly the functions that read them (values: Secret Manager;
# in the emulators, functions/.secret.local). An instance missing one refuses to serve
# (config.require_configured, at the first request).
AUTH_SECRET = SecretParam("FIREBRICK_AUTH_SECRET")  # step-up and CSRF tokens, TOTP encryption
INVITE_SECRET = SecretParam("INVITE_TOKEN_SECRET")  # invitation tokens
SERVICE_TOKEN_KEYS = SecretParam("SERVICE_TOKEN_KEYS")  # service-token signing keys

_TARGET = os.environ.get("FUNCTION_TARGET")


def _declares(*names: str) -> bool:
    """True when this process must declare one of `names`."""
    return _TARGET is None or _TARGET in names


@https_fn.on_request(
    memory=options.MemoryOption.MB_512, timeout_sec=60, secrets=[AUTH_SECRET, INVITE_SECRET, SERVICE_TOKEN_KEYS]
)
def api(req: https_fn.Request) -> https_fn.Response:
    """The HTTP API (`/v1/...`): FastAPI, built on the first request."""
    from firebrick.serving import serve

    return serve(req)


if _declares("before_user_created", "before_user_signed_in"):
    from firebase_functions import identity_fn

    @identity_fn.before_user_created()
    @log_deliveries
    def before_user_created(event: identity_fn.AuthBlockingEvent) -> identity_fn.BeforeCreateResponse | None:
        """Refuse blocked domains, normalise the profile, give the first claims."""
        from firebrick.triggers.identity import on_before_user_created

        return on_before_user_created(event)

    @identity_fn.before_user_signed_in()
    @log_deliveries
    def before_user_signed_in(event: identity_fn.AuthBlockingEvent) -> identity_fn.BeforeSignInResponse | None:
        """Refuse disabled users, audit the sign-in."""
        from firebrick.triggers.identity import on_before_user_signed_in

        return on_before_user_signed_in(event)


if _declares("claims_sync"):
    from firebase_functions import firestore_fn

    @firestore_fn.on_document_written(document=paths.MEMBER_PATTERN)
    @log_deliveries
    def claims_sync(event: firestore_fn.Event[firestore_fn.Change[firestore_fn.DocumentSnapshot | None]]) -> None:
        """Recompute the member's custom claims from all their memberships."""
        from firebrick.triggers.claims import on_membership_written

        on_membership_written(event.params["uid"])


if _declares("orgs_create", "invites_accept", "projects_create", "tasks_create", "tasks_update", "comments_create"):
    # Callable twins of the REST commands: same models, same services (firebrick.callables).
    from firebrick.clients import firebase_app

    # The callable SDK verifies the caller's ID token with the default app before our code runs.
    firebase_app()

    # With ENFORCE_APP_CHECK the SDK refuses a call without a valid App Check token before our
    # code runs (REST: api/deps.py). Set per function: the SDK's global option never reaches on_call.
    CALLABLE: dict[str, Any] = {
        "memory": options.MemoryOption.MB_512,
        "timeout_sec": 60,
        "enforce_app_check": params.ENFORCE_APP_CHECK.value,
    }

    @log_requests
    @limit_body
    @https_fn.on_call(**CALLABLE)
    def orgs_create(req: https_fn.CallableRequest[Any]) -> Any:
        from firebrick.callables import handle

        return handle("orgs_create", req)

    @log_requests
    @limit_body
    @https_fn.on_call(**CALLABLE, secrets=[INVITE_SECRET])
    def invites_accept(req: https_fn.CallableRequest[Any]) -> Any:
        from firebrick.callables import handle

        return handle("invites_accept", req)

    @log_requests
    @limit_body
    @https_fn.on_call(**CALLABLE)
    def projects_create(req: https_fn.CallableRequest[Any]) -> Any:
        from firebrick.callables import handle

        return handle("projects_create", req)

    @log_requests
    @limit_body
    @https_fn.on_call(**CALLABLE)
    def tasks_create(req: https_fn.CallableRequest[Any]) -> Any:
        from firebrick.callables import handle

        return handle("tasks_create", req)

    @log_requests
    @limit_body
    @https_fn.on_call(**CALLABLE)
    def tasks_update(req: https_fn.CallableRequest[Any]) -> Any:
        from firebrick.callables import handle

        return handle("tasks_update", req)

    @log_requests
    @limit_body
    @https_fn.on_call(**CALLABLE)
    def comments_create(req: https_fn.CallableRequest[Any]) -> Any:
        from firebrick.callables import handle

        return handle("comments_create", req)


# --- Derived state (docs/derived-state.md): idempotent Firestore triggers --------------

if _declares("derive_task", "derive_comment", "derive_project", "derive_member", "derive_org", "derive_user"):
    from firebase_functions import firestore_fn

    @firestore_fn.on_document_written(document=paths.TASK_PATTERN, timeout_sec=300)
    @log_deliveries
    def derive_task(event: firestore_fn.Event[firestore_fn.Change[firestore_fn.DocumentSnapshot | None]]) -> None:
        """Project task counters, activity, assignee; deleting a task deletes its comments."""
        from firebrick.triggers.tasks import on_task_written

        on_task_written(event)

    @firestore_fn.on_document_written(document=paths.COMMENT_PATTERN)
    @log_deliveries
    def derive_comment(event: firestore_fn.Event[firestore_fn.Change[firestore_fn.DocumentSnapshot | None]]) -> None:
        """Task commentCount and activity."""
        from firebrick.triggers.comments import on_comment_written

        on_comment_written(event)

    @firestore_fn.on_document_written(document=paths.PROJECT_PATTERN, timeout_sec=540)
    @log_deliveries
    def derive_project(event: firestore_fn.Event[firestore_fn.Change[firestore_fn.DocumentSnapshot | None]]) -> None:
        """Org projectCount and activity; deleting a project deletes everything under it."""
        from firebrick.triggers.projects import on_project_written

        on_project_written(event)

    @firestore_fn.on_document_written(document=paths.MEMBER_PATTERN)
    @log_deliveries
    def derive_member(event: firestore_fn.Event[firestore_fn.Change[firestore_fn.DocumentSnapshot | None]]) -> None:
        """Org memberCount, users/{uid}.orgs and activity (claims are synced separately)."""
        from firebrick.triggers.memberships import on_member_written

        on_member_written(event)

    @firestore_fn.on_document_written(document=paths.ORG_PATTERN, timeout_sec=540)
    @log_deliveries
    def derive_org(event: firestore_fn.Event[firestore_fn.Change[firestore_fn.DocumentSnapshot | None]]) -> None:
        """Catch-up counts, org names in users.orgs; deleting an org deletes everything under it."""
        from firebrick.triggers.orgs import on_org_written

        on_org_written(event)

    @firestore_fn.on_document_written(document=paths.USER_PATTERN, timeout_sec=300)
    @log_deliveries
    def derive_user(event: firestore_fn.Event[firestore_fn.Change[firestore_fn.DocumentSnapshot | None]]) -> None:
        """A rename reaches assigned tasks and member docs; a deleted user's memberships go."""
        from firebrick.triggers.users import on_user_written

        on_user_written(event)


if _declares("derive_attachment_finalized", "derive_attachment_deleted"):
    from firebase_functions import storage_fn

    @storage_fn.on_object_finalized()
    @log_deliveries
    def derive_attachment_finalized(event: storage_fn.CloudEvent[storage_fn.StorageObjectData]) -> None:
        """Task attachmentCount and org stats.storageBytes."""
        from firebrick.triggers.storage import on_object_finalized

        on_object_finalized(event)

    @storage_fn.on_object_deleted()
    @log_deliveries
    def derive_attachment_deleted(event: storage_fn.CloudEvent[storage_fn.StorageObjectData]) -> None:
        """Uncount a deleted (or overwritten) attachment."""
        from firebrick.triggers.storage import on_object_deleted

        on_object_deleted(event)


if _declares("reconcile_derived"):
    from firebase_functions import scheduler_fn

    @scheduler_fn.on_schedule(schedule="every day 03:00", timezone=scheduler_fn.Timezone("UTC"), timeout_sec=1800)
    @log_deliveries
    def reconcile_derived(event: scheduler_fn.ScheduledEvent) -> None:
        """Nightly: recompute all derived state from the sources; corrections are logged."""
        from firebrick.triggers.schedule import run_reconcile

        run_reconcile(event)


if os.environ.get("FIREBRICK_BENCH") == "1":
    # Declared only for scripts/bench: the floor a function can reach (no app, no I/O).

    @https_fn.on_request()
    def bench_floor(req: https_fn.Request) -> https_fn.Response:
        """A bare function returning a constant, the benchmark's latency floor."""
        return https_fn.Response('{"status":"ok"}', mimetype="application/json")

"""Callable-function adapters: the REST commands for Firebase SDK clients.

A callable's payload is the REST body plus the path ids as fields (`orgId`,
`projectId`, `taskId`); it returns the REST response body. `CALLABLES` names,
for each callable, the same pydantic models and the same service as its REST
twin, so the two cannot drift; `main.py` declares one function per entry.
Errors become `HttpsError`s with the callable code each FirebrickError
declares, and `details.code` carrying the same stable code as problem+json.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from firebrick.auth.principal import Principal
from firebrick.config import ConfigurationError, Requirement, require_configured
from firebrick.context import Caller, request_context
from firebrick.errors import FirebrickError, Unauthenticated, Unavailable, ValidationFailed, unavailable_dependency
from firebrick.ids import new_id
from firebrick.logs import annotate, configure_logging, get_logger, log_refusal, request_id_var
from firebrick.models.comments import Comment, CommentCreate
from firebrick.models.common import RequestModel
from firebrick.models.invites import InviteAccept, InviteAccepted
from firebrick.models.orgs import Org, OrgCreate
from firebrick.models.projects import Project, ProjectCreate
from firebrick.models.refs import NoRef, OrgRef, ProjectRef, Ref, TaskRef
from firebrick.models.tasks import Task, TaskCreate, TaskUpdate
from firebrick.services import comments, invites, orgs, projects, tasks
from firebrick.services.documents import Versioned

if TYPE_CHECKING:
    from firebase_functions.https_fn import CallableRequest

logger = get_logger("callables")

#: A service command as a callable runs it: the caller, the payload's reference, the body.
Command = Callable[[Caller, Any, Any], "Versioned[Any] | BaseModel"]


@dataclass(frozen=True)
class CallableSpec:
    """One callable: its payload's reference and body, its result, the service it runs, the secrets it needs."""

    ref: type[Ref]
    body: type[RequestModel]
    result: type[BaseModel]
    run: Command
    #: Checked before the first call is served; main.py binds exactly these secrets to the function.
    requires: tuple[Requirement, ...] = ()


CALLABLES: dict[str, CallableSpec] = {
    "orgs_create": CallableSpec(NoRef, OrgCreate, Org, lambda c, _, body: orgs.create_org(c, body.name)),
    "invites_accept": CallableSpec(
        NoRef,
        InviteAccept,
        InviteAccepted,
        lambda c, _, body: invites.accept_invite(c, body.token),
        requires=("INVITE_TOKEN_SECRET",),
    ),
    "projects_create": CallableSpec(OrgRef, ProjectCreate, Project, projects.create_project),
    "tasks_create": CallableSpec(ProjectRef, TaskCreate, Task, tasks.create_task),
    "tasks_update": CallableSpec(TaskRef, TaskUpdate, Task, tasks.update_task),
    "comments_create": CallableSpec(TaskRef, CommentCreate, Comment, comments.create_comment),
}


def _principal(request: CallableRequest[Any]) -> Principal:
    """Verify the caller's ID token ourselves: unlike the SDK's check, ours honours revocation."""
    from firebrick.auth.tokens import verify_firebase_id_token

    scheme, _, token = (request.raw_request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Sign in to call this function")
    return verify_firebase_id_token(token.strip())


def _errors(exc: ValidationError) -> list[dict[str, Any]]:
    """Where and why, never the input itself (same shape as the REST 422)."""
    return [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors(include_url=False)]


def _parse(data: Any, spec: CallableSpec) -> tuple[RequestModel, RequestModel]:
    """Split the payload into the resource's ids and the body, each validated by its model."""
    if not isinstance(data, dict):
        raise ValidationFailed("The payload must be an object")
    ref_fields = {field.alias or name for name, field in spec.ref.model_fields.items()}
    errors: list[dict[str, Any]] = []
    parsed: list[RequestModel] = []
    for model, part in (
        (spec.ref, {k: v for k, v in data.items() if k in ref_fields}),
        (spec.body, {k: v for k, v in data.items() if k not in ref_fields}),
    ):
        try:
            parsed.append(model.model_validate(part))
        except ValidationError as exc:
            errors += _errors(exc)
    if errors:
        raise ValidationFailed("The request is not valid", errors=errors)
    return parsed[0], parsed[1]


def _https_error(error: FirebrickError) -> Exception:
    from firebase_functions.https_fn import FunctionsErrorCode, HttpsError

    try:
        code = FunctionsErrorCode(error.callable_code)
    except ValueError:
        code = FunctionsErrorCode.INTERNAL
    details = {"code": error.code, "status": error.status, **error.extra}
    return HttpsError(code, error.detail, details)


def handle(name: str, request: CallableRequest[Any]) -> dict[str, Any]:
    """Run callable `name`: authenticate, parse, run the service, serialise; every failure is an HttpsError."""
    from firebrick.clients import firestore_client

    configure_logging()
    spec = CALLABLES[name]
    raw = request.raw_request
    # main.py's log_requests gave the request its id; a direct call gets one here.
    ctx = request_context(raw.headers, raw.remote_addr, request_id_var.get() or new_id())
    token = request_id_var.set(ctx.request_id)
    try:
        require_configured(spec.requires)
        caller = Caller(firestore_client(), _principal(request), ctx)
        annotate(uid=caller.uid)
        ref, body = _parse(request.data, spec)
        annotate(orgId=getattr(ref, "org_id", None))
        outcome = spec.run(caller, ref, body)
    except ConfigurationError as exc:
        log_refusal(str(exc))
        raise _https_error(Unavailable("The service is not configured")) from None
    except FirebrickError as error:
        if error.status in (401, 403):
            logger.warning("auth failure", extra={"fields": {"code": error.code, "callable": name}})
        raise _https_error(error) from None
    except Exception as exc:
        retryable = unavailable_dependency(exc)
        if retryable is not None:
            raise _https_error(retryable) from None
        logger.exception("unhandled error in callable", extra={"fields": {"callable": name}})
        raise _https_error(FirebrickError("An unexpected error occurred")) from None
    finally:
        request_id_var.reset(token)
    resource: BaseModel = outcome.resource if isinstance(outcome, Versioned) else outcome
    return resource.model_dump(mode="json", by_alias=True)
